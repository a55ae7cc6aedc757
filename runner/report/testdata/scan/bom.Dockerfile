FROM golang:1.10-alpine AS gobuild-base
RUN apk add --no-cache \
	git \
	make

FROM gobuild-base AS base
RUN make

FROM scratch
COPY --from=base /usr/bin/scratch /usr/bin/scratch
