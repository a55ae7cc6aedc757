# acb's container image: the static binary and the CA certificates, nothing
# else (no shell, no docker CLI). scripts/image.sh prepares the context.
FROM scratch
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY acb /usr/local/bin/acb
ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="acb" \
      org.opencontainers.image.description="Runs Azure Container Registry Tasks files on a Docker engine" \
      org.opencontainers.image.source="https://github.com/acb-dev/acb" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"
# acb copies the task's context into a run volume through the Engine API, so
# the working directory only matters for relative paths given to acb.
WORKDIR /workspace
# Where the docker CLI's config (credential fallback) is looked for when it is
# mounted: -v ~/.docker/config.json:/root/.docker/config.json:ro.
ENV HOME=/root
ENTRYPOINT ["/usr/local/bin/acb"]
CMD ["--help"]
