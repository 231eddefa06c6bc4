"""Loaded by pytest before Django (`-p tests.environment` in pyproject.toml): the test
run's own folders, queue and secret, so that it never touches a running demo's."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
os.environ.setdefault("KOMPE_VAR_DIR", os.path.join(os.getcwd(), "var", "test"))
# A queue of this run only: a demo worker on the same broker must not take its tasks.
os.environ.setdefault("CELERY_QUEUE", f"kompe-test-{os.getpid()}")
# Cache keys (rate limits, lockouts) of this run only, under their own prefix.
os.environ.setdefault("CACHE_KEY_PREFIX", f"kompe-test-{os.getpid()}")
# Static files come from the apps' folders, not from a `collectstatic` run.
os.environ.setdefault("STATIC_MANIFEST", "0")
# The live server of the browser tests speaks plain HTTP on localhost.
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1")
# Uploaded files of this run (the demo competition alone is 10 MB) go to a scratch folder
# that the worker processes share through the environment, and that goes at exit.
_scratch = tempfile.mkdtemp(prefix="kompe-tests-")
os.environ.setdefault("PRIVATE_ROOT", os.path.join(_scratch, "private"))
os.environ.setdefault("MEDIA_ROOT", os.path.join(_scratch, "media"))
atexit.register(shutil.rmtree, _scratch, ignore_errors=True)
