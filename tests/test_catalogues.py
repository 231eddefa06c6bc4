"""The Japanese and English catalogues are complete: every string has a translation."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

from scoring.problems import MESSAGES


def catalogue(language: str):
    path = Path(settings.BASE_DIR, "locale", language, "LC_MESSAGES", "django.po")
    with path.open("rb") as handle:
        return read_po(handle)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_catalogue_has_no_untranslated_or_fuzzy_entries(language):
    messages = [message for message in catalogue(language) if message.id]
    untranslated = [message.id for message in messages
                    if not (all(message.string) if isinstance(message.string, tuple)
                            else message.string)]
    fuzzy = [message.id for message in messages if message.fuzzy]
    assert len(messages) > 100
    assert (untranslated, fuzzy) == ([], [])


@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_scoring_problem_is_in_the_catalogue(language):
    ids = {message.id for message in catalogue(language)}
    assert set(MESSAGES.values()) <= ids


def test_catalogues_hold_exactly_the_strings_of_the_code(tmp_path):
    """Run makemessages on a copy of the code: no string may be missing from the catalogues."""
    from tests.conftest import skip_or_fail

    if not shutil.which("xgettext"):
        skip_or_fail("GNU gettext (xgettext) is needed: apt-get install gettext")
    base = Path(settings.BASE_DIR)
    for folder in ("config", "competitions", "accounts", "discussion", "notifications",
                   "scoring", "templates", "static", "locale"):
        shutil.copytree(base / folder, tmp_path / folder,
                        ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    shutil.copy(base / "manage.py", tmp_path)
    subprocess.run([sys.executable, "manage.py", "makemessages", "--locale", "ja",
                    "--no-obsolete"], cwd=tmp_path, check=True, capture_output=True,
                   env={**os.environ, "DEBUG": "1"})
    with (tmp_path / "locale/ja/LC_MESSAGES/django.po").open("rb") as handle:
        extracted = {message.id for message in read_po(handle) if message.id}
    committed = {message.id for message in catalogue("ja") if message.id}
    assert extracted - committed == set(), "run `make extract-messages` and translate"
    assert committed - extracted == set(), "run `make extract-messages`: stale entries"
