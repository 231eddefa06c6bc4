#!/usr/bin/env bash
# Wheels for `docker build` on a host that reaches the package index when the build
# itself cannot (a TLS-inspecting firewall, this project's CI): the platform's pinned
# dependencies into deploy/wheelhouse/ (the Dockerfile then installs from there alone)
# and, for the object-storage variant of the compose stack, moto's S3 server into
# deploy/wheelhouse-s3/. A wheelhouse already built from the same pyproject.toml and
# constraints.txt is kept. The host's Python must be 3.11 on Linux x86-64, as the image's.
#
# Usage: deploy/build-wheelhouse.sh [PYTHON]   (default: .venv/bin/python)
set -euo pipefail
cd "$(dirname "$0")/.."
python="${1:-.venv/bin/python}"
stamp="$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)"

build() {  # build FOLDER REQUIREMENT...
    local folder="$1"
    shift
    if [[ "$(cat "$folder/.stamp" 2>/dev/null)" == "$stamp" ]]; then
        return
    fi
    find "$folder" -name '*.whl' -delete 2>/dev/null || true
    mkdir -p "$folder"
    "$python" -m pip wheel --quiet --wheel-dir "$folder" --constraint constraints.txt "$@"
    echo "$stamp" > "$folder/.stamp"
}

# The project's own wheel is left out: the image copies the code, not a wheel of it.
# setuptools and wheel build the project's metadata in the image; async-timeout is what
# redis-py asks for below Python 3.11.3 (Debian's 3.11.2 in the offline stand-in).
build deploy/wheelhouse . Babel==2.19.0 setuptools wheel async-timeout
rm -rf deploy/wheelhouse/kompe-*.whl build  # build/: setuptools' leftovers of that wheel
build deploy/wheelhouse-s3 "moto[server]" async-timeout
du -sh deploy/wheelhouse deploy/wheelhouse-s3
