"""The Japanese and English catalogues are complete: every string has a translation."""

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
