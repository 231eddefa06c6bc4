#!/usr/bin/env bash
# For the deploy tests (make test-deploy, CI): Debian's Docker engine, docker-compose and
# debootstrap installed, and the engine running (started here, as root, on overlay2, if it
# is not). Not for production hosts: install Docker there as its documentation says.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
if ! command -v dockerd >/dev/null || ! command -v docker-compose >/dev/null \
        || ! command -v debootstrap >/dev/null; then
    apt-get update -q
    apt-get install -y -q docker.io docker-compose debootstrap
fi
if ! docker info >/dev/null 2>&1; then
    # A pid file left by an engine that was killed (a CI run ends what it started).
    pidfile=/var/run/docker.pid
    if [[ -f $pidfile ]] && ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
        rm -f "$pidfile"
    fi
    log="${TMPDIR:-/tmp}/kompe-dockerd.log"
    nohup dockerd --storage-driver overlay2 >"$log" 2>&1 &
    for _ in $(seq 60); do
        docker info >/dev/null 2>&1 && break
        sleep 1
    done
    docker info >/dev/null 2>&1 || { tail -20 "$log"; exit 1; }
fi
docker version --format 'Docker engine {{.Server.Version}}'
