"""Words that must agree across pages, in both languages: a fix that names a field names
it by the field's own label, and the private leaderboard has one name."""

import pytest
from django.utils import translation

from competitions.admin import CompetitionAdminForm
from competitions.checklist import competition_checklist
from competitions.models import Competition
from notifications.kinds import Kind


@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_checklist_names_the_solution_field_by_its_label(language):
    with translation.override(language):
        label = str(CompetitionAdminForm.base_fields["solution_upload"].label)
        items = competition_checklist(Competition(slug="empty", labels="a\nb"))
        fix = next(str(item.fix) for item in items if item.code == "no_solution")
    assert f"“{label}”" in fix or f"「{label}」" in fix


def test_japanese_names_the_leaderboards_in_notifications_as_its_pages_do():
    from notifications.kinds import sentence

    with translation.override("ja"):
        assert str(Kind.PRIVATE_REVEALED.label).startswith("Private リーダーボード")
        told = sentence(Kind.PRIVATE_REVEALED, {"rank": 2, "count": 2, "change": -1}, "A")
    assert "Private リーダーボード" in told and "Public リーダーボードから" in told


def test_japanese_says_login_for_signing_in_everywhere_as_the_header_does():
    # The header and allauth's pages say ログイン; one word keeps a learner from
    # wondering whether a "サインイン" link is something else.
    from pathlib import Path

    from babel.messages.pofile import read_po

    path = Path(__file__).resolve().parents[1] / "locale/ja/LC_MESSAGES/django.po"
    with path.open("rb") as catalogue:
        strings = [message.string for message in read_po(catalogue) if message.id]
    assert not [text for text in strings if "サインイン" in str(text)]
