#!/bin/bash
# As the official redis image: redis-server runs as the redis user, listens on every
# interface of the container's network, and keeps its files in /data.
set -euo pipefail
if [[ "${1:-}" == "redis-server" ]]; then
    chown -R redis:redis /data
    shift
    exec setpriv --reuid=redis --regid=redis --init-groups \
        redis-server --bind '* -::*' --protected-mode no --dir /data "$@"
fi
exec "$@"
