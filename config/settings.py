"""Settings of the platform, all read from the environment.

With no environment at all the platform runs "embedded": SQLite and kombu's filesystem
broker under `var/`. Set DATABASE_URL and CELERY_BROKER_URL for PostgreSQL and Redis.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or default


def env_bool(name: str, default: bool = False) -> bool:
    value = env_str(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = env_str(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_path(name: str, default: Path) -> Path:
    return Path(env_str(name, str(default))).resolve()


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


DEBUG = env_bool("DEBUG", default=False)
VAR_DIR = env_path("KOMPE_VAR_DIR", BASE_DIR / "var")

SECRET_KEY = env_str("SECRET_KEY")
DEVELOPMENT_SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-on"
# Keys copied from documentation or left as placeholders: refused outright when DEBUG is
# off. `manage.py check --deploy` (run by the compose stack before it migrates) also
# refuses any key shorter than 50 characters (config/checks.py).
PLACEHOLDER_SECRET_KEYS = {DEVELOPMENT_SECRET_KEY, "changeme", "change-me", "secret",
                           "secret-key", "your-secret-key", "replace-me"}
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Only a development server may run with a key that is not secret.
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
elif not DEBUG and (SECRET_KEY.lower() in PLACEHOLDER_SECRET_KEYS
                    or SECRET_KEY.startswith("django-insecure-") or len(set(SECRET_KEY)) < 5):
    raise ImproperlyConfigured("SECRET_KEY is a placeholder or too simple: generate one, "
                               "for example with `openssl rand -base64 48`.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_prometheus",
    "health_check",
    "config.apps.PlatformConfig",
    "competitions",
    "accounts",
    "notifications",
    "discussion",
]

MIDDLEWARE = [
    # First and last: request counts and latencies for /metrics (config/metrics.py).
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # Every log line of a request carries its id (config/logs.py).
    "config.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Times shown in the reader's time zone (their choice, else their browser's).
    "config.timezones.ReaderTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Policy refusals raised by page views become 404, 403 or a redirect (policy.http).
    "competitions.policy.http.RefusalMiddleware",
    "config.metrics.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def database_settings(url: str) -> dict:
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # The web server and the worker write to the same file: take the write lock at
        # BEGIN (no lock-upgrade deadlocks) and wait for it rather than fail at once.
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        # On disk, not in memory, so that a worker process in the tests can open it.
        config["TEST"] = {"NAME": str(VAR_DIR / "test-kompe.sqlite3")}
    return config


VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": database_settings(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'kompe.sqlite3'}")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "competition_list"
LOGOUT_REDIRECT_URL = "competition_list"

# Languages: the browser's choice, with a switcher on every page.
LANGUAGE_CODE = "en"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# The site's zone: for readers whose browser has not said theirs, and for exports. Pages
# show each reader's own zone (config/timezones.py).
TIME_ZONE = env_str("TIME_ZONE", "Asia/Tokyo")
USE_TZ = True

# Files. Static files are served by WhiteNoise. Everything uploaded (data files, hidden
# solutions, submissions) lives under PRIVATE_ROOT, which no URL maps to: the views that
# hand out a file check who asks first.
STATIC_URL = "static/"
STATIC_ROOT = env_path("STATIC_ROOT", BASE_DIR / "static_collected")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env_path("MEDIA_ROOT", VAR_DIR / "media")
MEDIA_URL = "media/"
PRIVATE_ROOT = env_path("PRIVATE_ROOT", VAR_DIR / "private")

# Object storage: with STORAGE_URL (s3://BUCKET[/PREFIX][?endpoint_url=…&region_name=…&
# addressing_style=path]) or the usual AWS_STORAGE_BUCKET_NAME (with AWS_S3_ENDPOINT_URL,
# AWS_S3_REGION_NAME), every file goes to an S3-compatible bucket through django-storages,
# so that web servers and workers on several hosts share no folder. Credentials come from
# AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or boto3's other usual sources). Objects are
# private (no ACL: the bucket's own); see competitions/storage.py.
STORAGE_URL_OPTIONS = {"endpoint_url", "region_name", "addressing_style"}
# Lifetime of a signed URL, for a view that hands one out after checking who asks.
SIGNED_URL_SECONDS = env_int("SIGNED_URL_SECONDS", 300)


def object_storage_options(url: str | None, bucket: str | None) -> dict | None:
    if url is None and bucket is None:
        return None
    options = {"bucket_name": bucket, "location": "",
               "endpoint_url": env_str("AWS_S3_ENDPOINT_URL"),
               "region_name": env_str("AWS_S3_REGION_NAME")}
    if url is not None:
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc:
            raise ImproperlyConfigured(f"STORAGE_URL must be s3://BUCKET[/PREFIX], not {url!r}")
        options.update(bucket_name=parts.netloc, location=parts.path.strip("/"))
        for name, values in parse_qs(parts.query).items():
            if name not in STORAGE_URL_OPTIONS:
                raise ImproperlyConfigured(f"STORAGE_URL: unknown option {name!r}; known: "
                                           + ", ".join(sorted(STORAGE_URL_OPTIONS)))
            options[name] = values[-1]
    addressing_style = options.pop("addressing_style", None)
    if addressing_style:
        options["addressing_style"] = addressing_style
    return {**options, "access_key": env_str("AWS_ACCESS_KEY_ID"),
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY"), "default_acl": None,
            "querystring_auth": True, "querystring_expire": SIGNED_URL_SECONDS,
            "file_overwrite": False}


OBJECT_STORAGE = object_storage_options(env_str("STORAGE_URL"),
                                        env_str("AWS_STORAGE_BUCKET_NAME"))
PRIVATE_STORAGE = (
    {"BACKEND": "competitions.storage.PrivateS3Storage", "OPTIONS": OBJECT_STORAGE}
    if OBJECT_STORAGE else
    {"BACKEND": "competitions.storage.PrivateStorage", "OPTIONS": {"location": PRIVATE_ROOT}})
STORAGES = {
    # Nothing public is uploaded: the default storage is the private one too.
    "default": PRIVATE_STORAGE if OBJECT_STORAGE else {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": "/" + MEDIA_URL},
    },
    "private": PRIVATE_STORAGE,
    "staticfiles": {
        # Production serves hashed, compressed files made by `collectstatic`.
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        ),
    },
}
# Uploads stay in memory up to this size; larger ones go to a temporary file.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Celery. Embedded default: kombu's filesystem transport, so a real worker process
# runs with no broker server installed.
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
# Sending never waits on a broker that is down: an upload hands its message over once (no
# connection retries, no publish retries) and answers; a failed send is left to the fast
# sweep below. (kombu reads these four for every connection it opens to send.)
BROKER_SEND_ONCE = {"max_retries": 0, "interval_start": 0, "interval_step": 0.2,
                    "interval_max": 0.5}
CELERY_TASK_PUBLISH_RETRY = False
if CELERY_BROKER_URL.startswith("filesystem://"):
    for folder in ("queue", "processed", "control"):
        (BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
    # kombu's filesystem transport, writing each message whole before a worker can see it.
    CELERY_BROKER_TRANSPORT = "config.broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        # Scores should arrive within a second or two, so poll often.
        "polling_interval": 0.1,
        **BROKER_SEND_ONCE,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        # A broker that does not answer (host gone, not merely refusing) costs a send at
        # most this long; a worker's blocking read waits 1 s at a time, well within these.
        "socket_connect_timeout": 1,
        "socket_timeout": 5,
        "socket_keepalive": True,
        # A connection idle this long is checked before use, so that a send after a Redis
        # restart does not go to a dead socket.
        "health_check_interval": 2,
        **BROKER_SEND_ONCE,
    }
# Workers reconnect at once and then every second, forever (Celery's own backoff grows
# 2, 4, 6… s, and gives up after 100 tries): they are back within about a second of Redis,
# including while it replays its append-only file ("loading the dataset in memory").
CELERY_WORKER_CONSUMER = "config.worker:QuickReconnectConsumer"
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task running when the connection drops finishes and saves its result (acks go to Redis
# by delivery tag, which survives the reconnection).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "kompe")
# Community builds take minutes and much memory: they go to a queue of their own (and, in
# production, a worker of their own), so that they never hold up scoring.
CELERY_BUILD_QUEUE = env_str("CELERY_BUILD_QUEUE", f"{CELERY_TASK_DEFAULT_QUEUE}-builds")
# The sweepers have a queue of their own too, so that they never wait behind a backlog of
# scoring (the scoring workers take both queues).
CELERY_SWEEP_QUEUE = env_str("CELERY_SWEEP_QUEUE", f"{CELERY_TASK_DEFAULT_QUEUE}-sweeps")
CELERY_TASK_ROUTES = {
    "competitions.tasks.build_competition_task": {"queue": CELERY_BUILD_QUEUE},
    "competitions.tasks.send_unsent_submissions": {"queue": CELERY_SWEEP_QUEUE},
    "scoring.tasks.requeue_stuck_submissions": {"queue": CELERY_SWEEP_QUEUE},
    "competitions.tasks.requeue_stuck_builds": {"queue": CELERY_SWEEP_QUEUE},
    # Bundle imports copy data files of any size: with the builds, away from scoring.
    "competitions.tasks.import_bundle_task": {"queue": CELERY_BUILD_QUEUE},
    "competitions.tasks.requeue_stuck_bundle_imports": {"queue": CELERY_SWEEP_QUEUE},
}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_TASK_SERIALIZER = "json"
# The worker logs through Django's LOGGING (JSON lines with the submission id), not
# through handlers of its own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_ACCEPT_CONTENT = ["json"]

# The fast sweep: how often beat sends the queued submissions whose first send failed
# (the broker was down), so that they are scored within seconds of its return.
SUBMISSION_SEND_SWEEP_EVERY_SECONDS = env_int("SUBMISSION_SEND_SWEEP_EVERY_SECONDS", 2)
# The long sweep: a submission whose message has waited this long, or still scoring after
# this long, was lost (the broker lost the message, the worker died): it is sent again.
# Longer than the hard time limit, or the sweep would take over a scoring still running.
SUBMISSION_REQUEUE_AFTER_SECONDS = env_int("SUBMISSION_REQUEUE_AFTER_SECONDS", 300)
if SUBMISSION_REQUEUE_AFTER_SECONDS <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        f"SUBMISSION_REQUEUE_AFTER_SECONDS ({SUBMISSION_REQUEUE_AFTER_SECONDS}) must be "
        f"longer than the scoring task's hard time limit ({CELERY_TASK_TIME_LIMIT} s): the "
        "sweeper would take over submissions still being scored.")
SUBMISSION_SWEEP_EVERY_SECONDS = env_int("SUBMISSION_SWEEP_EVERY_SECONDS", 60)
COMMUNITY_BUILD_SWEEP_EVERY_SECONDS = env_int("COMMUNITY_BUILD_SWEEP_EVERY_SECONDS", 60)
CELERY_BEAT_SCHEDULE = {
    "send-unsent-submissions": {
        "task": "competitions.tasks.send_unsent_submissions",
        "schedule": SUBMISSION_SEND_SWEEP_EVERY_SECONDS,
        # A sweep that waited past the next one is dropped, not run late in a pile.
        "options": {"expires": SUBMISSION_SEND_SWEEP_EVERY_SECONDS},
    },
    "requeue-stuck-submissions": {
        "task": "scoring.tasks.requeue_stuck_submissions",
        "schedule": SUBMISSION_SWEEP_EVERY_SECONDS,
        "options": {"expires": SUBMISSION_SWEEP_EVERY_SECONDS},
    },
    "requeue-stuck-builds": {
        "task": "competitions.tasks.requeue_stuck_builds",
        "schedule": COMMUNITY_BUILD_SWEEP_EVERY_SECONDS,
        "options": {"expires": COMMUNITY_BUILD_SWEEP_EVERY_SECONDS},
    },
    "requeue-stuck-bundle-imports": {
        "task": "competitions.tasks.requeue_stuck_bundle_imports",
        "schedule": COMMUNITY_BUILD_SWEEP_EVERY_SECONDS,
        "options": {"expires": COMMUNITY_BUILD_SWEEP_EVERY_SECONDS},
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Notifications and hosts' webhooks (issue 17; the notifications app) ----------------
# The site's address, for links in e-mails (which have no request to build them from).
SITE_URL = env_str("SITE_URL", "http://localhost:8000")
# E-mail settings: the accounts block below (SMTP with EMAIL_HOST, files otherwise).
# An e-mail waits this long for more events of the same user, which then come in one
# digest e-mail (a reveal right after a rescore: one e-mail).
NOTIFICATION_DIGEST_SECONDS = env_int("NOTIFICATION_DIGEST_SECONDS", 60)
# A result is told (bell, e-mail) only if it came this long after the upload: queued
# behind others, or retried. Browser uploads scored within seconds are not told.
NOTIFICATION_SLOW_SCORING_SECONDS = env_int("NOTIFICATION_SLOW_SCORING_SECONDS", 60)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10)
# Attempts of one delivery; between them WEBHOOK_RETRY_BASE_SECONDS × 4^n (30 s, 2 min,
# 8 min, 32 min with the defaults).
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 5)
WEBHOOK_RETRY_BASE_SECONDS = env_int("WEBHOOK_RETRY_BASE_SECONDS", 30)
# Organizers' URLs may not point into the private network (the database, Redis, metrics)
# unless this is on.
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", default=False)
# A pending delivery whose attempt has been due this long lost its task (the broker was
# down, a worker died): the sweep sends it again, at most WEBHOOK_SWEEP_BATCH a minute.
WEBHOOK_SWEEP_AFTER_SECONDS = env_int("WEBHOOK_SWEEP_AFTER_SECONDS", 300)
WEBHOOK_SWEEP_BATCH = env_int("WEBHOOK_SWEEP_BATCH", 200)
if WEBHOOK_SWEEP_AFTER_SECONDS <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        f"WEBHOOK_SWEEP_AFTER_SECONDS ({WEBHOOK_SWEEP_AFTER_SECONDS}) must be longer than "
        f"a task's hard time limit ({CELERY_TASK_TIME_LIMIT} s): the sweep would send "
        "again a delivery still being posted.")
CELERY_BEAT_SCHEDULE |= {
    "notification-emails-overdue": {"task": "notifications.tasks.sweep_unsent_emails",
                                    "schedule": 60, "options": {"expires": 60}},
    "notification-reveals": {"task": "notifications.tasks.check_reveals",
                             "schedule": 60, "options": {"expires": 60}},
    "webhook-deliveries-stuck": {"task": "notifications.tasks.sweep_stuck_webhook_deliveries",
                                 "schedule": 60, "options": {"expires": 60}},
}
CELERY_TASK_ROUTES |= {
    "notifications.tasks.sweep_unsent_emails": {"queue": CELERY_SWEEP_QUEUE},
    "notifications.tasks.check_reveals": {"queue": CELERY_SWEEP_QUEUE},
    "notifications.tasks.sweep_stuck_webhook_deliveries": {"queue": CELERY_SWEEP_QUEUE},
}

# Community competitions: anyone signed in builds one from a zip of labelled images
# (competitions/builder). The limits keep one upload from filling the disk or the worker's
# memory; README.md lists them.
COMMUNITY_MAX_ZIP_BYTES = env_int("COMMUNITY_MAX_ZIP_BYTES", 200 * 1024 * 1024)
COMMUNITY_MAX_FILES = env_int("COMMUNITY_MAX_FILES", 5000)
COMMUNITY_MAX_UNPACKED_BYTES = env_int("COMMUNITY_MAX_UNPACKED_BYTES", 1024 * 1024 * 1024)
COMMUNITY_MAX_IMAGE_BYTES = env_int("COMMUNITY_MAX_IMAGE_BYTES", 20 * 1024 * 1024)
COMMUNITY_MAX_COMPRESSION_RATIO = env_int("COMMUNITY_MAX_COMPRESSION_RATIO", 100)
COMMUNITY_MAX_IMAGE_PIXELS = env_int("COMMUNITY_MAX_IMAGE_PIXELS", 40_000_000)
COMMUNITY_MIN_IMAGES_PER_CLASS = env_int("COMMUNITY_MIN_IMAGES_PER_CLASS", 5)
COMMUNITY_MAX_CLASSES = env_int("COMMUNITY_MAX_CLASSES", 100)
COMMUNITY_MAX_LABEL_LENGTH = env_int("COMMUNITY_MAX_LABEL_LENGTH", 50)
COMMUNITY_MAX_COMPETITIONS_PER_USER = env_int("COMMUNITY_MAX_COMPETITIONS_PER_USER", 10)
# A build running longer stops (checked between images and files, and Celery's soft limit
# on the prefork pool) and fails with a message; the hard limit kills it. A build still
# queued or running after COMMUNITY_BUILD_REQUEUE_AFTER_SECONDS was lost on the way (broker
# down, worker killed): the sweeper sends it again.
COMMUNITY_BUILD_TIME_LIMIT = env_int("COMMUNITY_BUILD_TIME_LIMIT", 600)
COMMUNITY_BUILD_REQUEUE_AFTER_SECONDS = env_int("COMMUNITY_BUILD_REQUEUE_AFTER_SECONDS",
                                                COMMUNITY_BUILD_TIME_LIMIT + 120)
# Where builds unpack and write before publishing: <dir>/<build>/<attempt>, removed when a
# run claims the build and when it ends (a killed worker's leftovers go at the next claim).
COMMUNITY_BUILD_SCRATCH_DIR = env_path("COMMUNITY_BUILD_SCRATCH_DIR", VAR_DIR / "builds")
# Competition bundles (docs/bundles.md) are imported in the background, on the builds'
# queue: an import running longer stops (Celery's soft limit) and keeps nothing; one still
# running after BUNDLE_IMPORT_REQUEUE_AFTER_SECONDS was lost (its worker died) and is sent
# again; one still queued after BUNDLE_IMPORT_RESEND_QUEUED_AFTER_SECONDS lost its message
# (sending it twice is harmless: the first run claims the import, the second does nothing).
BUNDLE_IMPORT_TIME_LIMIT = env_int("BUNDLE_IMPORT_TIME_LIMIT", 1800)
BUNDLE_IMPORT_REQUEUE_AFTER_SECONDS = env_int("BUNDLE_IMPORT_REQUEUE_AFTER_SECONDS",
                                              BUNDLE_IMPORT_TIME_LIMIT + 120)
BUNDLE_IMPORT_RESEND_QUEUED_AFTER_SECONDS = env_int(
    "BUNDLE_IMPORT_RESEND_QUEUED_AFTER_SECONDS", 120)

# The REST API (competitions/api). Rate limits per user and endpoint scope; the numbers are
# published in the API docs (SPECTACULAR_SETTINGS' description below).
REST_FRAMEWORK = {
    "EXCEPTION_HANDLER": "competitions.api.errors.exception_handler",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "competitions.api.pagination.Pages",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "competitions.api.schema.ApiSchema",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.ScopedRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "read": env_str("API_RATE_READ", "120/min"),
        "submit": env_str("API_RATE_SUBMIT", "10/min"),
        "validate": env_str("API_RATE_VALIDATE", "30/min"),
        # New threads and replies, pages and API together (discussion/throttling.py).
        "discussion": env_str("DISCUSSION_POST_RATE", "6/min"),
        # New team invitations, pages and API together (competitions/throttling.py): each
        # one notifies someone, and a refusal tells whether a username exists.
        "invite": env_str("TEAM_INVITE_RATE", "30/hour"),
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer",
                                 "rest_framework.renderers.BrowsableAPIRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kompe API",
    "DESCRIPTION": (
        "Everything a participant does in the browser, from a script. Authenticate with "
        "`Authorization: Token <key>` (create the key on your account page) or the "
        "browser session.\n\n**Rate limits** per user: reads "
        + env_str("API_RATE_READ", "120/min") + ", submissions "
        + env_str("API_RATE_SUBMIT", "10/min") + ", dry runs "
        + env_str("API_RATE_VALIDATE", "30/min") + ", discussion posts "
        + env_str("DISCUSSION_POST_RATE", "6/min") + ", team invitations "
        + env_str("TEAM_INVITE_RATE", "30/hour")
        + ". Past a limit the answer is 429 with a `Retry-After` header in seconds. "
        "Daily submission limits are per competition and shown on each competition."),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
}

# HTTPS. Behind a TLS-terminating proxy (which must set X-Forwarded-Proto and strip it from
# clients), links the API builds say https. The production settings in the README turn on
# the redirect and HSTS; `manage.py check --deploy` then has nothing to say.
if env_bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
# The health check and the metrics are asked for over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)

SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# /metrics (Prometheus): django-prometheus' request metrics and Kompe's scoring figures
# read from the database (config/metrics.py). The reverse proxy should not forward it, and
# it answers only the bearer token METRICS_TOKEN (competitions/policy/operations.py); with
# no token set, only a DEBUG site answers it.
PROMETHEUS_EXPORT_MIGRATIONS = False
METRICS_TOKEN = env_str("METRICS_TOKEN", "")

# Logs: plain text, or with LOG_FORMAT=json one JSON object a line with time, level,
# logger, message, request id and submission id (config/logs.py).
LOG_FORMAT = env_str("LOG_FORMAT", "text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "config.logs.ContextFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [request %(request_id)s "
                           "submission %(submission_id)s] %(message)s"},
        "json": {"()": "config.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT,
                             "filters": ["context"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# --- Security (issue 13): throttled sign-in and sign-up, a shared cache, CSP, HSTS -------
# Kept in one block so that deploy settings elsewhere in this file merge cleanly.

# One cache for every web worker and host, so that rate limits and lockouts count across
# them: Redis when CACHE_URL (or, failing that, the broker) is Redis, this process's memory
# otherwise (the embedded default has one web process). django-redis, not Django's own
# RedisCache, for IGNORE_EXCEPTIONS: while Redis is down, limits are not counted (fail
# open) instead of every page and API call answering 500 (config/cache.py: locks too).
CACHE_URL = env_str("CACHE_URL") or (
    CELERY_BROKER_URL if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else None)
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured(f"CACHE_URL must be a redis:// URL, not {CACHE_URL!r}")
CACHES = {"default": {
    "BACKEND": "config.cache.FailOpenRedisCache",
    "LOCATION": CACHE_URL,
    # The broker's database may be shared: keys carry a prefix, and nothing may call
    # cache.clear() (it empties the whole database, queued tasks included).
    "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "kompe"),
    "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5},
} if CACHE_URL else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

# Sign-in lockout per account (django-axes, counted in the cache above): after
# LOGIN_FAILURE_LIMIT wrong passwords the account's sign-in (site and admin) is refused
# for LOGIN_LOCKOUT_SECONDS, with a message saying until when. Not per address: a class
# behind one NAT address would lock itself out; addresses are rate-limited below instead.
INSTALLED_APPS += ["axes", "csp"]
# allauth's backend (below) signs in by username or e-mail address and is Django's model
# backend otherwise; axes in front of it counts wrong passwords per account.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend",
                           "allauth.account.auth_backends.AuthenticationBackend"]
AXES_HANDLER = "competitions.throttling.LockoutHandler"
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(seconds=env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
# The stated time holds: attempts during a lockout do not push it further away.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "competitions.throttling.lockout_response"
AXES_CLIENT_IP_CALLABLE = "competitions.throttling.client_ip"
# axes.W006 asks for the address among the lockout parameters: deliberately not (above).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# Posts to the sign-in pages (site and admin) and to sign-up, per client address. A class
# of 60 signs in within a minute from one address; spraying passwords gets 60 a minute,
# each account still locked after LOGIN_FAILURE_LIMIT.
SIGN_IN_RATE_PER_ADDRESS = env_str("SIGN_IN_RATE_PER_ADDRESS", "60/min")
SIGN_UP_RATE_PER_ADDRESS = env_str("SIGN_UP_RATE_PER_ADDRESS", "60/hour")

MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                  "csp.middleware.CSPMiddleware")
# Before the metrics' last middleware, which must stay last.
_metrics_last = MIDDLEWARE.index("config.metrics.PrometheusAfterMiddleware")
MIDDLEWARE[_metrics_last:_metrics_last] = ["competitions.throttling.SignInRateLimitMiddleware",
                                           "axes.middleware.AxesMiddleware"]

# Content-Security-Policy: scripts, styles, images and connections from this site only;
# no inline script or style anywhere (templates use files under static/). Images in an
# organizer's Markdown are limited to the competition's own files by the sanitiser too.
CONTENT_SECURITY_POLICY = {"DIRECTIVES": {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}}

# HTTPS (the redirect, HSTS, the proxy's header): see "HTTPS" above, one place for both.
# --- end of the security block ----------------------------------------------------------

# --- Accounts (issue 16): django-allauth, e-mail ------------------------------------------
# Sign-up asks for an e-mail address and a new account signs in only once a link sent to
# it was opened (accounts/stages.py: accounts made before e-mail existed still sign in and
# are asked to add one). Passwords are reset through a link by e-mail.
INSTALLED_APPS += ["allauth", "allauth.account"]
MIDDLEWARE.insert(MIDDLEWARE.index("axes.middleware.AxesMiddleware"),
                  "allauth.account.middleware.AccountMiddleware")
# Axes keys its lockout on the account's username, whichever of the two was typed.
AXES_USERNAME_CALLABLE = "accounts.signin.username_for_lockout"
LOGIN_URL = "account_login"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True  # one address: a change replaces it once the new one is verified
ACCOUNT_USERNAME_VALIDATORS = "accounts.signin.USERNAME_VALIDATORS"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None  # the "remember me" box decides
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Kompe] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG else "http"
# allauth's rate limits, counted in the shared cache. Sign-in and sign-up per address are
# limited first by SignInRateLimitMiddleware (which states when to try again): allauth's
# own counts for those stay as a looser second line (a class of 60 signs in from one
# address). Wrong passwords per account are axes' alone: allauth's per-account count would
# answer a locked account with a form error instead of the time to try again. Password
# reset, e-mail verification and changes keep allauth's defaults.
ACCOUNT_RATE_LIMITS = {
    "login": env_str("ALLAUTH_RATE_LOGIN", "120/m/ip"),
    "login_failed": env_str("ALLAUTH_RATE_LOGIN_FAILED", "120/m/ip"),
    "signup": env_str("ALLAUTH_RATE_SIGNUP", "20/m/ip"),
    "reset_password": env_str("ALLAUTH_RATE_RESET_PASSWORD", "20/m/ip,5/m/key"),
}

# E-mail through Django's backends. With EMAIL_HOST set, SMTP (EMAIL_PORT, EMAIL_HOST_USER,
# EMAIL_HOST_PASSWORD, EMAIL_USE_TLS / EMAIL_USE_SSL); without it, each message is written
# to a file under MAIL_DIR (the demo's; `rundemo` prints where). EMAIL_BACKEND overrides both.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_FILE_PATH = str(env_path("MAIL_DIR", VAR_DIR / "mail"))
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
                        if EMAIL_HOST else "django.core.mail.backends.filebased.EmailBackend")
if EMAIL_HOST:
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=EMAIL_PORT == 587)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
    if EMAIL_USE_TLS and EMAIL_USE_SSL:
        raise ImproperlyConfigured("EMAIL_USE_TLS (STARTTLS, port 587) and EMAIL_USE_SSL "
                                   "(port 465) exclude each other: set one.")
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Kompe <noreply@localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# --- end of the accounts block ------------------------------------------------------------
