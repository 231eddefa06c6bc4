# moto's S3 server in a container, the S3-compatible stand-in for the object-storage
# variant of the compose stack (MinIO or a cloud bucket in production). Built with the
# wheelhouse of moto[server] as its context (build-base-images.sh).
FROM python:3.11-slim-bookworm
COPY *.whl /wheels/
RUN pip install --no-cache-dir --no-index --find-links /wheels "moto[server]" \
    && rm -rf /wheels
EXPOSE 5000
CMD ["moto_server", "--host", "0.0.0.0", "--port", "5000"]
