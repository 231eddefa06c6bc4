#!/usr/bin/env bash
# Local stand-ins for the official base images, built from Debian's packages, for a
# machine that reaches Debian's mirror but not Docker Hub (a firewalled school network,
# this project's CI). They are NOT the official images: they only keep the parts of their
# contract that Kompe uses, so that Dockerfile and docker-compose.yml keep the official
# names (python:3.11-slim-bookworm, postgres:15, redis:7):
#   python:3.11-slim-bookworm  Debian's python3.11 and pip, `python` and `pip` on PATH,
#                              pip allowed to install into the system (no PEP 668 marker)
#   postgres:15                Debian's postgresql-15; POSTGRES_USER, POSTGRES_PASSWORD and
#                              POSTGRES_DB create the cluster on first start, data in
#                              /var/lib/postgresql/data, pg_isready on PATH
#   redis:7                    Debian's redis-server 7, data in /data, redis-cli on PATH
#   kompe-offline/s3:moto      moto's S3 server, the S3-compatible stand-in of the
#                              object-storage variant (MinIO's place in production);
#                              needs WHEELHOUSE_S3 (see deploy/build-wheelhouse.sh)
# Where a real registry is reachable, do not use this: pull the official images.
#
# Usage: deploy/offline/build-base-images.sh [--force]
# An image that already exists is kept unless --force is given. Needs root, debootstrap
# and a running Docker engine.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
cache="${KOMPE_OFFLINE_CACHE:-/var/cache/kompe-offline}"
base="kompe-offline/debian:bookworm"
force=0
[[ "${1:-}" == "--force" ]] && force=1

have() { [[ $force == 0 ]] && docker image inspect "$1" >/dev/null 2>&1; }

if ! have "$base"; then
    mkdir -p "$cache"
    rootfs="$(mktemp -d "$cache/rootfs.XXXXXX")"
    trap 'rm -rf "$rootfs"' EXIT
    debootstrap --variant=minbase bookworm "$rootfs" "$mirror"
    # The mirror for apt-get inside the images, and no cached package lists.
    echo "deb $mirror bookworm main" > "$rootfs/etc/apt/sources.list"
    rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb
    tar -C "$rootfs" -c . | docker import \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' --change 'CMD ["bash"]' - "$base"
fi

build() {  # build TAG DOCKERFILE [CONTEXT]
    if ! have "$1"; then
        docker build --quiet --tag "$1" --file "$here/$2" "${3:-$here}"
    fi
}
build python:3.11-slim-bookworm python.Dockerfile
build postgres:15 postgres.Dockerfile
build redis:7 redis.Dockerfile
if [[ -n "${WHEELHOUSE_S3:-}" ]]; then
    # The context is the wheelhouse itself: moto and its dependencies, built on the host.
    cp "$here/s3.Dockerfile" "$WHEELHOUSE_S3/Dockerfile.kompe-s3"
    if ! have kompe-offline/s3:moto; then
        docker build --quiet --tag kompe-offline/s3:moto \
            --file "$WHEELHOUSE_S3/Dockerfile.kompe-s3" "$WHEELHOUSE_S3"
    fi
fi
docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' \
    | grep -E '^(python:3.11-slim-bookworm|postgres:15|redis:7|kompe-offline/)'
