"""Objects the tests make in several files: a submission row with a file, the admin's
competition form. (Personas and competitions are fixtures in conftest.py.)"""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from competitions.models import Submission


def make_submission(competition, participation, content: bytes) -> Submission:
    submission = Submission(competition=competition, team=participation.team,
                            submitted_by=participation.user, original_name="p.csv")
    submission.file.save("p.csv", ContentFile(content), save=False)
    submission.save()
    return submission


def competition_form(**overrides):
    now = timezone.localtime()
    form = {
        "slug": "birds", "title": "Birds", "short_description": "Birds of Japan",
        "overview": "", "evaluation": "", "rules": "", "labels": "すずめ\nからす\nはと",
        "metric": "accuracy", "submission_kind": "label", "submission_header": "required",
        "submission_labels_as": "name", "top_k": 3, "start_at_0": now.strftime("%Y-%m-%d"),
        "start_at_1": now.strftime("%H:%M:%S"),
        "end_at_0": (now + timedelta(days=9)).strftime("%Y-%m-%d"), "end_at_1": "12:00:00",
        "daily_submission_limit": 5, "max_upload_bytes": 1000000, "final_submission_limit": 2,
        "private_leaderboard": "auto", "feedback_while_open": "auto",
        "data_files-TOTAL_FORMS": 0, "data_files-INITIAL_FORMS": 0,
    }
    return {**form, **overrides}


def change_competition(client, organizer, competition, **changes):
    """The admin's change form of an existing competition, posted with `changes`."""
    client.force_login(organizer)
    return client.post(
        reverse("admin:competitions_competition_change", args=[competition.pk]),
        competition_form(**{"slug": competition.slug, "labels": "\n".join(competition.labels),
                            # Kept as it is: the checkbox left out would unpublish it.
                            **({"is_published": "on"} if competition.is_published else {}),
                            **changes}))
