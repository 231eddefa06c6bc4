# The production image: web (gunicorn) and worker share it; see docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    KOMPE_VAR_DIR=/var/lib/kompe STATIC_ROOT=/app/static_collected
WORKDIR /app

COPY pyproject.toml constraints.txt ./
COPY config ./config
COPY competitions ./competitions
COPY scoring ./scoring
RUN pip install --no-cache-dir --constraint constraints.txt . Babel==2.17.0
COPY manage.py ./
COPY templates ./templates
COPY static ./static
COPY locale ./locale
COPY demo ./demo
RUN pybabel compile -D django -d locale \
    && SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && useradd --system --home /var/lib/kompe kompe \
    && mkdir -p /var/lib/kompe && chown kompe /var/lib/kompe
USER kompe
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
