FROM \
  golang:1.22 \
  AS build
RUN go version
FROM \
# a comment inside a continuation
    alpine:3.19
