"""docker-compose.yml kept consistent with the settings and the Dockerfile (tests/deploy runs
it for real)."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml
from django.conf import settings

COMPOSE = Path(settings.BASE_DIR, "docker-compose.yml")
SETTINGS = Path(settings.BASE_DIR, "config", "settings.py")
ROOT = Path(settings.BASE_DIR)
GUNICORN_CONF = ROOT / "gunicorn.conf.py"


def test_compose_file_has_the_production_services():
    compose = yaml.safe_load(COMPOSE.read_text())
    assert {"migrate", "web", "worker", "builder", "beat", "db", "redis"} <= set(
        compose["services"])
    assert "celery -A config --quiet worker" in compose["services"]["worker"]["command"]
    # Scoring and community builds on workers of their own, on the settings' default
    # queues (the compose file sets no CELERY_QUEUE).
    assert "--queues kompe" in compose["services"]["worker"]["command"]
    assert "--queues kompe-builds" in compose["services"]["builder"]["command"]
    assert "CELERY_QUEUE" not in compose["services"]["worker"]["environment"]


def test_compose_sets_only_variables_that_the_settings_read():
    compose = yaml.safe_load(COMPOSE.read_text())
    read_by_settings = set(re.findall(r'env_\w+\("([A-Z_]+)"', SETTINGS.read_text()))
    # The web container also sets gunicorn's own (gunicorn.conf.py reads them).
    read_by_gunicorn = set(re.findall(r'os\.environ\.get\("([A-Z_]+)"',
                                      GUNICORN_CONF.read_text()))
    for name in ("web", "worker", "builder", "beat"):
        environment = compose["services"][name]["environment"]
        allowed = read_by_settings | (read_by_gunicorn if name == "web" else set())
        assert set(environment) <= allowed, name
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["CELERY_BROKER_URL"].startswith("redis://")
        assert "SECRET_KEY" in environment and environment["DEBUG"] == "0"


def test_gunicorn_is_the_web_containers_first_process_and_migrations_run_apart():
    compose = yaml.safe_load(COMPOSE.read_text())
    web = compose["services"]["web"]
    # No `sh -c` in front: the image's CMD (exec form) makes gunicorn PID 1, so that
    # `docker stop` sends it SIGTERM and it drains.
    assert "command" not in web and "entrypoint" not in web
    dockerfile = Path(settings.BASE_DIR, "Dockerfile").read_text()
    assert re.search(r'^CMD \["gunicorn", "config.wsgi", "--config", "gunicorn.conf.py"\]$',
                     dockerfile, re.M)
    assert web["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert "migrate --noinput" in compose["services"]["migrate"]["command"]


def test_the_image_runs_gunicorn_with_the_repositorys_config_file_and_drains_within_grace():
    """One gunicorn configuration for the repository and the image: preloaded, with the
    metrics hooks, workers from WEB_CONCURRENCY, and a graceful timeout that ends before
    Docker kills the container."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^COPY manage.py gunicorn.conf.py ./$", dockerfile, re.M)
    assert "!gunicorn.conf.py" in (ROOT / ".dockerignore").read_text().splitlines()
    config = gunicorn_settings({"WEB_CONCURRENCY": "4"})
    assert config["preload_app"] is True and config["worker_class"] == "sync"
    assert config["workers"] == 4 and config["hooks"] is True
    grace = yaml.safe_load(COMPOSE.read_text())["services"]["web"]["stop_grace_period"]
    assert config["graceful_timeout"] < int(grace.removesuffix("s"))


def gunicorn_settings(environment: dict) -> dict:
    """gunicorn.conf.py's values under `environment`, read in a process of their own: the
    hooks module it imports sets the metrics folder of the process it runs in."""
    script = (
        "import json, runpy, sys\n"
        "values = runpy.run_path(sys.argv[1])\n"
        "values['on_exit'](None)  # the metrics folder it made goes\n"
        "print(json.dumps({'hooks': callable(values['child_exit']), **{name: values[name] "
        "for name in ('preload_app', 'worker_class', 'workers', 'graceful_timeout')}}))\n")
    result = subprocess.run([sys.executable, "-c", script, str(GUNICORN_CONF)],
                            env={**os.environ, **environment}, capture_output=True, text=True,
                            check=True)
    return json.loads(result.stdout)


def test_every_stateful_service_keeps_its_data_on_a_named_volume_and_has_a_health_check():
    compose = yaml.safe_load(COMPOSE.read_text())
    assert set(compose["volumes"]) == {"files", "postgres", "redis"}
    for name in ("web", "worker", "db", "redis"):
        assert compose["services"][name]["healthcheck"]["test"], name
    assert "/healthz" in " ".join(compose["services"]["web"]["healthcheck"]["test"])


def test_the_image_holds_every_app_of_the_project():
    """Each of the project's own Django apps is copied into the image, passed by
    .dockerignore and packaged by pyproject.toml (an app missing there fails only at
    `docker build`'s migrate)."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    ignore = (ROOT / ".dockerignore").read_text().splitlines()
    packages = (ROOT / "pyproject.toml").read_text()
    apps = {app.split(".")[0] for app in settings.INSTALLED_APPS
            if (ROOT / app.split(".")[0]).is_dir()}
    assert {"config", "competitions", "accounts", "discussion", "notifications"} <= apps
    for app in apps:
        assert f"COPY {app} ./{app}" in dockerfile, app
        assert f"!{app}/" in ignore, app
        assert f'"{app}*"' in packages, app
