# The production image: web (gunicorn), the Celery workers and beat share it; see
# docker-compose.yml and the README's production section.
#
# Python packages come from the package index, or, where the build cannot reach it (a
# firewall, this project's CI), from a wheelhouse built on the host with the pinned
# constraints (deploy/build-wheelhouse.sh) into deploy/wheelhouse/, or the folder of the
# context named by the build argument WHEELHOUSE. An empty wheelhouse means the index.

# Stage 1: the dependencies in a virtual environment. Only pyproject.toml and the
# constraints are copied first, so that a change of code does not reinstall them.
FROM python:3.11-slim-bookworm AS dependencies
ARG WHEELHOUSE=deploy/wheelhouse
COPY ${WHEELHOUSE} /wheels/
COPY pyproject.toml constraints.txt /src/
# With pyproject.toml alone the project has no packages: this installs its dependencies.
RUN python -m venv /opt/venv \
    && if ls /wheels/*.whl >/dev/null 2>&1; then set -- --no-index --find-links /wheels; fi \
    && /opt/venv/bin/pip install --no-cache-dir --constraint /src/constraints.txt "$@" \
        /src Babel==2.19.0 \
    && /opt/venv/bin/pip uninstall --yes kompe

# Stage 2: the code and the compiled catalogues and static files, run as a system user.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/opt/venv/bin:$PATH \
    KOMPE_VAR_DIR=/var/lib/kompe STATIC_ROOT=/app/static_collected
COPY --from=dependencies /opt/venv /opt/venv
WORKDIR /app
COPY manage.py gunicorn.conf.py ./
COPY config ./config
COPY competitions ./competitions
COPY accounts ./accounts
COPY discussion ./discussion
COPY notifications ./notifications
COPY scoring ./scoring
COPY templates ./templates
COPY static ./static
COPY locale ./locale
COPY demo ./demo
RUN pybabel compile -D django -d locale \
    && SECRET_KEY=build-only-$(date +%s%N) python manage.py collectstatic --noinput \
    && useradd --system --home /var/lib/kompe kompe \
    && mkdir -p /var/lib/kompe && chown kompe /var/lib/kompe
USER kompe
EXPOSE 8000
# gunicorn is the container's first process (exec form, no shell), so `docker stop`'s
# SIGTERM reaches it and it drains: requests under way finish within the graceful timeout
# (gunicorn.conf.py keeps it below the compose file's stop_grace_period). Migrations are a
# step of their own (the compose file's `migrate` service).
# gunicorn.conf.py is the one configuration of the web process, here as in the repository:
# sync workers (WEB_CONCURRENCY of them), the app preloaded in the master, and the hooks of
# Prometheus' multiprocess mode, so /metrics sums the workers.
ENV GUNICORN_BIND=0.0.0.0:8000 GUNICORN_ACCESS_LOG=- WEB_CONCURRENCY=3
CMD ["gunicorn", "config.wsgi", "--config", "gunicorn.conf.py"]
