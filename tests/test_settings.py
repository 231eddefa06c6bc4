"""Settings come from the environment, and there is no production default for secrets."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

PRODUCTION_ENV = Path(settings.BASE_DIR, "deploy", "production.env.example")
STRONG_KEY = secrets.token_urlsafe(48)


def settings_in_subprocess(**env) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items()
                   if key not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", "import django; from django.conf import settings; "
         "django.setup(); print(settings.DATABASES['default']['ENGINE'])"],
        env={**environment, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True, text=True, cwd=settings.BASE_DIR)


def test_secret_key_is_required_when_debug_is_off():
    result = settings_in_subprocess(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_nonsense_debug_value_is_refused():
    result = settings_in_subprocess(DEBUG="maybe", SECRET_KEY="x")
    assert "DEBUG must be true or false, not 'maybe'" in result.stderr


def test_database_url_selects_the_database():
    result = settings_in_subprocess(SECRET_KEY=STRONG_KEY, DATABASE_URL="postgres://u@h:5432/db")
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_hidden_files_live_outside_every_served_folder():
    private = settings.PRIVATE_ROOT
    for served in (settings.MEDIA_ROOT, settings.STATIC_ROOT, *settings.STATICFILES_DIRS):
        assert not private.is_relative_to(served)
        assert not served.is_relative_to(private)
    assert "base_url" not in settings.STORAGES["private"]["OPTIONS"]


def test_the_build_sweeper_has_its_own_schedule():
    result = subprocess.run(
        [sys.executable, "-c", "import django; from django.conf import settings; "
         "django.setup(); s = settings.CELERY_BEAT_SCHEDULE; "
         "print(s['requeue-stuck-builds']['schedule'], "
         "s['requeue-stuck-submissions']['schedule'])"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1",
             "COMMUNITY_BUILD_SWEEP_EVERY_SECONDS": "300",
             "SUBMISSION_SWEEP_EVERY_SECONDS": "30"},
        capture_output=True, text=True, cwd=settings.BASE_DIR)
    assert result.stdout.split() == ["300", "30"], result.stderr


def test_the_bundle_import_sweep_expires_like_its_siblings_and_resends_queued_ones_soon():
    entry = settings.CELERY_BEAT_SCHEDULE["requeue-stuck-bundle-imports"]
    assert entry["options"]["expires"] == entry["schedule"]
    assert (settings.BUNDLE_IMPORT_RESEND_QUEUED_AFTER_SECONDS
            < settings.BUNDLE_IMPORT_REQUEUE_AFTER_SECONDS)


def test_every_sweep_that_waited_past_its_next_run_is_dropped_not_run_late():
    # A sweep left in the queue while the workers were busy would otherwise pile up and
    # run many times in a row when they come back.
    for name in ("send-unsent-submissions", "requeue-stuck-submissions",
                 "requeue-stuck-builds", "requeue-stuck-bundle-imports"):
        entry = settings.CELERY_BEAT_SCHEDULE[name]
        assert entry["options"]["expires"] == entry["schedule"], name


def test_community_builds_are_routed_to_their_own_queue():
    from django.conf import settings

    from config.celery import app

    route = app.amqp.router.route({}, "competitions.tasks.build_competition_task")
    assert route["queue"].name == settings.CELERY_BUILD_QUEUE
    assert settings.CELERY_BUILD_QUEUE == f"{settings.CELERY_TASK_DEFAULT_QUEUE}-builds"
    scoring = app.amqp.router.route({}, "scoring.tasks.score_submission_task")
    assert scoring["queue"].name == settings.CELERY_TASK_DEFAULT_QUEUE


@pytest.mark.parametrize("key", ["changeme", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                                 "django-insecure-" + "k" * 50])
def test_a_placeholder_or_trivial_secret_key_is_refused(key):
    result = settings_in_subprocess(SECRET_KEY=key)
    assert result.returncode != 0
    assert "SECRET_KEY is a placeholder or too simple" in result.stderr


def documented_production_environment() -> dict[str, str]:
    """deploy/production.env.example, with real secrets in place of the placeholders."""
    lines = [line.split("=", 1) for line in PRODUCTION_ENV.read_text().splitlines()
             if line and not line.startswith("#")]
    environment = {name: value for name, value in lines}
    environment.update(SECRET_KEY=STRONG_KEY, POSTGRES_PASSWORD=secrets.token_urlsafe(24))
    return environment


def manage_py_check_deploy(**env) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items()
                   if key not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS",
                                  "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
                                  # set by the browser tests (Playwright's event loop)
                                  "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy"],
                          env={**environment, **env}, capture_output=True, text=True,
                          cwd=settings.BASE_DIR)


def test_check_deploy_is_silent_under_the_documented_production_settings():
    result = manage_py_check_deploy(**documented_production_environment())
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout + result.stderr, (
        result.stdout + result.stderr)


def test_check_deploy_fails_on_a_short_secret_key():
    result = manage_py_check_deploy(**{**documented_production_environment(),
                                       "SECRET_KEY": "short-but-not-trivial"})
    assert result.returncode != 0
    assert "kompe.E001" in result.stderr


def test_https_settings_come_from_the_environment():
    result = subprocess.run(
        [sys.executable, "-c", "import django; from django.conf import settings; "
         "django.setup(); print(settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS, "
         "settings.SECURE_PROXY_SSL_HEADER)"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings",
             "SECURE_SSL_REDIRECT": "1", "SECURE_HSTS_SECONDS": "600", "BEHIND_TLS_PROXY": "1"},
        capture_output=True, text=True, cwd=settings.BASE_DIR)
    assert result.stdout.strip().split(maxsplit=2) == [
        "True", "600", "('HTTP_X_FORWARDED_PROTO', 'https')"], result.stderr


def storage_settings(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import django; from django.conf import settings; "
         "django.setup(); import json; print(json.dumps(settings.STORAGES['private']))"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True, text=True, cwd=settings.BASE_DIR)


def test_storage_url_puts_every_file_in_a_private_bucket():
    result = storage_settings(STORAGE_URL="s3://kompe-files/site-a?endpoint_url="
                                          "http://127.0.0.1:9000&addressing_style=path")
    private = json.loads(result.stdout)
    assert private["BACKEND"] == "competitions.storage.PrivateS3Storage", result.stderr
    values = private["OPTIONS"]
    assert values["bucket_name"] == "kompe-files" and values["location"] == "site-a"
    assert values["endpoint_url"] == "http://127.0.0.1:9000"
    assert values["addressing_style"] == "path"
    assert values["default_acl"] is None and values["querystring_auth"] is True


def test_a_storage_url_with_an_unknown_option_is_refused():
    result = storage_settings(STORAGE_URL="s3://kompe?acl=public-read")
    assert result.returncode != 0
    assert "STORAGE_URL: unknown option 'acl'" in result.stderr
