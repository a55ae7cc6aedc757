FROM golang:1.22
RUN go build
FROM 0 AS again
FROM 7
