"""docker-compose.yml cannot be run here (no Docker engine); it can be kept consistent."""

import re
from pathlib import Path

import yaml
from django.conf import settings

COMPOSE = Path(settings.BASE_DIR, "docker-compose.yml")
SETTINGS = Path(settings.BASE_DIR, "config", "settings.py")


def test_compose_file_has_the_production_services():
    compose = yaml.safe_load(COMPOSE.read_text())
    assert {"web", "worker", "beat", "db", "redis"} <= set(compose["services"])
    assert "gunicorn" in compose["services"]["web"]["command"]
    assert "celery -A config worker" in compose["services"]["worker"]["command"]
    # Scoring and community builds on workers of their own, on the settings' default
    # queues (the compose file sets no CELERY_QUEUE).
    assert "--queues kompe" in compose["services"]["worker"]["command"]
    assert "--queues kompe-builds" in compose["services"]["builder"]["command"]
    assert "CELERY_QUEUE" not in compose["services"]["worker"]["environment"]


def test_compose_sets_only_variables_that_the_settings_read():
    compose = yaml.safe_load(COMPOSE.read_text())
    read_by_settings = set(re.findall(r'env_\w+\("([A-Z_]+)"', SETTINGS.read_text()))
    for name in ("web", "worker", "builder", "beat"):
        environment = compose["services"][name]["environment"]
        assert set(environment) <= read_by_settings, name
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["CELERY_BROKER_URL"].startswith("redis://")
        assert "SECRET_KEY" in environment and environment["DEBUG"] == "0"
