"""Web processes and beat import only what they use: scikit-learn, SciPy and pandas (about
150 MB and a second per process) are for the scoring worker alone."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("sklearn", "scipy", "pandas")

WEB = """
    import config.wsgi
    from django.test import Client
    from django.urls import reverse
    client = Client()
    for name in ("competition_list", "account_login", "account_signup"):
        assert client.get(reverse(name)).status_code == 200, name
    client.get("/api/v1/competitions/")
    client.get("/api/docs/")
"""
BEAT = """
    from config.celery import app
    app.loader.import_default_modules()
    app.finalize()
"""


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("code", [WEB, BEAT], ids=["web worker", "beat"])
def test_web_and_beat_processes_never_import_scikit_learn_scipy_or_pandas(code, settings):
    probe = textwrap.dedent(code) + textwrap.dedent(f"""
        import sys, json
        print(json.dumps(sorted(name for name in sys.modules
                                if name.split(".")[0] in {HEAVY!r})))
    """)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "PYTHONPATH": str(ROOT),
           "ALLOWED_HOSTS": "testserver", "DATABASE_URL": _test_database_url(settings)}
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.splitlines()[-1]) == []


def _test_database_url(settings) -> str:
    """The test run's database, so that the pages render from its tables."""
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{database['NAME']}"
    return (f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}")
