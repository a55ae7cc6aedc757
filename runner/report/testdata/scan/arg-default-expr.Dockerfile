ARG REGISTRY
ARG VARIANT=
FROM ${REGISTRY:-mcr.microsoft.com}/dotnet/runtime:${VERSION:-8.0}${VARIANT:+-}${VARIANT}
