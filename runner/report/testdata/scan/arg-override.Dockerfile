ARG GO_VERSION=1.22
ARG BASE="alpine:3.19"
FROM golang:${GO_VERSION} AS build
RUN true
FROM $BASE
COPY --from=build /x /x
