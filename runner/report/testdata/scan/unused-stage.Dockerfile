FROM golang:1.22 AS build
FROM imaginary/cert-generator:1.0 AS certs
FROM golang:1.22 AS build2
FROM library/golang:1.22 AS build3
FROM docker.io/library/golang:1.22 AS build4
FROM alpine:3.19
COPY --from=build /x /x
