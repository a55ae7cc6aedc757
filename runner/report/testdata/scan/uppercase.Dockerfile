FROM Ubuntu:18.04 AS build
FROM alpine:3.19
