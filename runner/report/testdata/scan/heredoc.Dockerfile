# syntax=docker/dockerfile:1
FROM alpine:3.19 AS build
RUN <<EOT
FROM ubuntu:22.04
echo "this FROM is shell text, not an instruction"
EOT
COPY <<-EOT /etc/Dockerfile.sample
	FROM debian:12
	EOT
FROM busybox
