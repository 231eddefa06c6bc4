# Stand-in for python:3.11-slim-bookworm (see build-base-images.sh): Debian's Python 3.11.
FROM kompe-offline/debian:bookworm
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3.11 python3-pip python3-venv \
        ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    # The official image's python owns its site-packages; so does this one.
    && rm -f /usr/lib/python3.11/EXTERNALLY-MANAGED \
    && ln -s /usr/bin/python3 /usr/local/bin/python \
    && ln -s /usr/bin/pip3 /usr/local/bin/pip
ENV PYTHONDONTWRITEBYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1
CMD ["python3"]
