# syntax=docker/dockerfile:1
# flowforge-audit as an OCI image: the static release binary and the CA certificates the AWS
# SDK's TLS needs, on an empty base; no shell, no package manager, a non-root user.
#
# Built by .github/workflows/release.yml for linux/amd64 and linux/arm64 from the release
# binaries, with the repository as the context:
#   image/linux/amd64/flowforge-audit   (flowforge-audit-x86_64-unknown-linux-musl)
#   image/linux/arm64/flowforge-audit   (flowforge-audit-aarch64-unknown-linux-musl)
# Run (docs/install.md):
#   docker run --rm -v "$PWD:/work" -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY \
#     -e AWS_SESSION_TOKEN -e AWS_REGION ghcr.io/OWNER/flowforge-audit:X.Y.Z scan --env prod
# scripts/image-rootfs.sh builds the same file tree without a container engine and runs the
# binary in it.

# Certificates are text: taken on the build platform, never emulated.
FROM --platform=$BUILDPLATFORM debian:bookworm-slim AS certs
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /work

FROM scratch
ARG TARGETPLATFORM
ARG VERSION=dev
ARG SOURCE=""
LABEL org.opencontainers.image.title="flowforge-audit" \
      org.opencontainers.image.description="Audits an AWS account running FlowForge: compliance and drift" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=certs /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=certs --chown=65532:65532 /work /work
COPY --chmod=0755 image/${TARGETPLATFORM}/flowforge-audit /usr/local/bin/flowforge-audit
ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    HOME=/work
USER 65532:65532
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/flowforge-audit"]
CMD ["--help"]
