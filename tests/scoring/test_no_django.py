"""The scoring library stands alone: the starter kit and other tools import it without
Django, Celery or the platform installed."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import scoring

ROOT = Path(__file__).resolve().parents[2]
# A name set to None in sys.modules cannot be imported: as if it were not installed.
UNIMPORTABLE = ("django", "celery", "kombu", "rest_framework", "competitions", "config")


def test_every_scoring_module_imports_with_django_and_celery_unimportable():
    modules = [f"scoring.{module.name}" for module in pkgutil.iter_modules(scoring.__path__)]
    assert {"scoring.scorer", "scoring.solution", "scoring.metrics"} <= set(modules)
    code = ("import sys\n"
            f"for name in {UNIMPORTABLE!r}:\n"
            "    sys.modules[name] = None\n"
            f"import {', '.join(modules)}\n"
            "import django\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, env={"PATH": "/usr/bin:/bin"}, timeout=120)
    # The last line proves the blocking works: only `import django` may fail.
    assert "ModuleNotFoundError: import of django halted" in result.stderr, result.stderr
    assert result.stderr.count("Error") == 1, result.stderr


def test_scoring_is_not_a_django_app():
    from django.conf import settings

    assert not any(app == "scoring" or app.startswith("scoring.")
                   for app in settings.INSTALLED_APPS)
