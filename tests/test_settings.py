"""Settings come from the environment, and there is no production default for secrets."""

import os
import subprocess
import sys

from django.conf import settings


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
    result = settings_in_subprocess(SECRET_KEY="x", DATABASE_URL="postgres://u@h:5432/db")
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


def test_community_builds_are_routed_to_their_own_queue():
    from django.conf import settings

    from config.celery import app

    route = app.amqp.router.route({}, "competitions.tasks.build_competition_task")
    assert route["queue"].name == settings.CELERY_BUILD_QUEUE
    assert settings.CELERY_BUILD_QUEUE == f"{settings.CELERY_TASK_DEFAULT_QUEUE}-builds"
    scoring = app.amqp.router.route({}, "scoring.tasks.score_submission_task")
    assert scoring["queue"].name == settings.CELERY_TASK_DEFAULT_QUEUE
