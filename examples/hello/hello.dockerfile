# A FROM scratch image holding the static binary that `make example` builds.
FROM scratch
COPY hello /hello
ENTRYPOINT ["/hello"]
