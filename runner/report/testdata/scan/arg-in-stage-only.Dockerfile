FROM alpine AS one
ARG NEXT=debian:12
FROM $NEXT
