"""Insight pages and endpoints: per-class results, the confusion matrix, examples,
comparisons, the report and the organizer's analytics, at each feedback level, and never
anything from the Private rows before the reveal."""

import io
import zipfile
from datetime import timedelta

import numpy as np
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

from competitions.models import DataFile
from competitions.models.competition import FeedbackLevel
from competitions.services import join_competition
from tests.conftest import LABELS, TEST_IDS, TRUE_LABELS, USAGES, scored_upload, submission_csv

PUBLIC_IDS = [i for i, usage in zip(TEST_IDS, USAGES, strict=True) if usage == "Public"]
PRIVATE_IDS = [i for i, usage in zip(TEST_IDS, USAGES, strict=True) if usage == "Private"]
# Right on every Public row, "とり" on every Private row: anything computed from the
# Private rows shows up as extra rows of "とり".
PUBLIC_RIGHT_PRIVATE_BIRDS = [label if usage == "Public" else "とり"
                              for label, usage in zip(TRUE_LABELS, USAGES, strict=True)]
# Wrong on the first two Public rows.
TWO_PUBLIC_MISTAKES = ["ねこ", "とり"] + TRUE_LABELS[2:]


@pytest.fixture
def test_zip(competition):
    """test.zip with a small picture per test id, as the data page offers it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index, image_id in enumerate(TEST_IDS):
            picture = io.BytesIO()
            Image.new("L", (8, 8), color=index * 20).save(picture, "PNG")
            archive.writestr(f"test/{image_id}", picture.getvalue())
    data_file = DataFile(competition=competition, name="test.zip")
    data_file.file.save("test.zip", ContentFile(buffer.getvalue()), save=False)
    data_file.save()
    return data_file


def set_feedback(competition, level: str, ended: bool = False):
    competition.feedback_while_open = level
    if ended:
        competition.end_at = timezone.now() - timedelta(seconds=1)
    competition.save()


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_feedback_defaults_score_only_while_ranked_and_full_for_practice_and_after_the_end(
        make_competition):
    ranked = make_competition(slug="ranked")
    practice = make_competition(slug="practice", end_at=None)
    assert ranked.feedback_level() == FeedbackLevel.SCORE
    assert practice.feedback_level() == FeedbackLevel.FULL
    assert ranked.feedback_level(at=ranked.end_at) == FeedbackLevel.FULL
    ranked.feedback_while_open = "classes"
    assert ranked.feedback_level() == FeedbackLevel.CLASSES


def test_scoring_keeps_each_parts_confusion_matrix(competition, alice, alice_joined):
    submission = scored_upload(competition, alice, submission_csv(TWO_PUBLIC_MISTAKES))
    for part, usage in (("public", "Public"), ("private", "Private")):
        rows = [i for i, row_usage in enumerate(USAGES) if row_usage == usage]
        expected = confusion_matrix([TRUE_LABELS[i] for i in rows],
                                    [TWO_PUBLIC_MISTAKES[i] for i in rows], labels=LABELS)
        assert submission.confusion[part] == expected.tolist()


def test_score_only_feedback_shows_no_per_class_results(client, competition, alice,
                                                        alice_joined):
    submission = scored_upload(competition, alice, submission_csv(TWO_PUBLIC_MISTAKES))
    client.force_login(alice)
    page = client.get(reverse("submission_insight", args=[competition.slug, submission.pk]))
    text = page.content.decode()
    assert 'data-testid="score-only"' in text and 'data-testid="per-class"' not in text
    response = api_for(alice).get(f"/api/v1/submissions/{submission.pk}/insight/")
    assert response.status_code == 403 and response.data["code"] == "score_only"


def test_per_class_results_on_the_public_rows_match_scikit_learn(
        client, competition, alice, alice_joined):
    set_feedback(competition, "classes")
    submission = scored_upload(competition, alice, submission_csv(TWO_PUBLIC_MISTAKES))
    data = api_for(alice).get(f"/api/v1/submissions/{submission.pk}/insight/").data
    public = [i for i, usage in enumerate(USAGES) if usage == "Public"]
    truth = [TRUE_LABELS[i] for i in public]
    guess = [TWO_PUBLIC_MISTAKES[i] for i in public]
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, guess, labels=LABELS, zero_division=0)
    assert data["rows"] == "public" and data["row_count"] == len(public)
    assert data["confusion"] == confusion_matrix(truth, guess, labels=LABELS).tolist()
    assert [row["recall"] for row in data["per_class"]] == pytest.approx(recall.tolist())
    assert [row["precision"] or 0 for row in data["per_class"]] == pytest.approx(
        precision.tolist())
    assert [row["f1"] or 0 for row in data["per_class"]] == pytest.approx(f1.tolist())
    assert [row["support"] for row in data["per_class"]] == support.tolist()
    assert data["most_confused"] == [["いぬ", "ねこ", 1], ["ねこ", "とり", 1]]
    client.force_login(alice)
    text = client.get(reverse("submission_insight", args=[competition.slug, submission.pk])
                      ).content.decode()
    assert 'data-testid="confusion-matrix"' in text and "いぬ taken for ねこ: 1×" in text
    assert 'data-testid="examples"' not in text  # examples need the full level
    response = api_for(alice).get(f"/api/v1/submissions/{submission.pk}/examples/")
    assert response.status_code == 403 and response.data["code"] == "no_examples"


def test_full_feedback_shows_mistakes_and_right_answers_with_their_images(
        client, competition, alice, alice_joined, mallory, test_zip):
    set_feedback(competition, "full")
    submission = scored_upload(competition, alice, submission_csv(TWO_PUBLIC_MISTAKES))
    groups = api_for(alice).get(f"/api/v1/submissions/{submission.pk}/examples/").data[
        "groups"]
    assert [(g["kind"], g["true_label"], g["predicted_label"], g["count"]) for g in groups] == [
        ("pair", "いぬ", "ねこ", 1), ("pair", "ねこ", "とり", 1),
        ("correct", "", "", 2)]
    assert [e["id"] for e in groups[0]["examples"]] == ["img_01.png"]
    client.force_login(alice)
    page = client.get(reverse("submission_insight", args=[competition.slug, submission.pk])
                      ).content.decode()
    assert "いぬ predicted as ねこ" in page and "Right answers" in page
    # A label file carries no confidence: nothing may claim one.
    assert "confiden" not in page.lower()
    image = client.get(reverse("test_image", args=[competition.slug, "img_01.png"]))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(image.content)).size == (8, 8)
    client.force_login(mallory)  # not joined
    assert client.get(reverse("test_image", args=[competition.slug, "img_01.png"])
                      ).status_code == 404


def test_after_the_reveal_private_and_all_rows_can_be_described(competition, alice,
                                                                alice_joined):
    submission = scored_upload(competition, alice, submission_csv(PUBLIC_RIGHT_PRIVATE_BIRDS))
    set_feedback(competition, "auto", ended=True)
    api = api_for(alice)
    private = api.get(f"/api/v1/submissions/{submission.pk}/insight/?rows=private").data
    assert private["row_count"] == len(PRIVATE_IDS)
    assert private["accuracy"] == pytest.approx(2 / 6)
    everything = api.get(f"/api/v1/submissions/{submission.pk}/insight/?rows=all").data
    assert everything["row_count"] == len(TEST_IDS)


LEVELS = ["score", "classes", "full"]


@pytest.mark.parametrize("level", LEVELS)
def test_while_open_no_insight_page_or_endpoint_uses_the_private_rows(
        client, competition, alice, alice_joined, test_zip, level):
    set_feedback(competition, level)
    first = scored_upload(competition, alice, submission_csv(PUBLIC_RIGHT_PRIVATE_BIRDS))
    second = scored_upload(competition, alice, submission_csv(TWO_PUBLIC_MISTAKES))
    client.force_login(alice)
    slug = competition.slug
    answers = []
    for rows in ("", "public", "private", "all"):
        query = f"?rows={rows}" if rows else ""
        for pk in (first.pk, second.pk):
            answers += [
                client.get(reverse("submission_insight", args=[slug, pk]) + query),
                api_for(alice).get(f"/api/v1/submissions/{pk}/insight/{query}"),
                api_for(alice).get(f"/api/v1/submissions/{pk}/examples/{query}")]
        pair = f"first={first.pk}&second={second.pk}" + (f"&rows={rows}" if rows else "")
        answers += [client.get(reverse("submission_compare", args=[slug]) + "?" + pair),
                    api_for(alice).get(f"/api/v1/competitions/{slug}/compare/?{pair}")]
    answers.append(client.get(reverse("report", args=[slug])))
    for response in answers:
        assert response.status_code in (200, 403), response
        text = response.content.decode()
        assert not any(private_id in text for private_id in PRIVATE_IDS), text[:300]
        data = getattr(response, "data", None)
        if response.status_code == 200 and isinstance(data, dict):
            if "row_count" in data:
                assert data["row_count"] == len(PUBLIC_IDS)
            if data.get("fixed") is not None or "agreeing" in data:
                # Compared on the public rows, or without labels on all rows.
                assert data["rows"] == (len(TEST_IDS) if level == "score"
                                        else len(PUBLIC_IDS))
                assert data["fixed"] is None if level == "score" else data["fixed"] == 0
    # The heatmap never counts more than the public rows: "とり" has one public row.
    if level != "score":
        confusion = api_for(alice).get(f"/api/v1/submissions/{first.pk}/insight/").data
        assert np.asarray(confusion["confusion"]).sum() == len(PUBLIC_IDS)


def test_comparing_two_submissions_counts_what_was_fixed_and_broken(
        client, competition, alice, alice_joined):
    set_feedback(competition, "classes")
    worse = scored_upload(competition, alice, submission_csv(TWO_PUBLIC_MISTAKES))
    better = scored_upload(competition, alice, submission_csv(TRUE_LABELS))
    data = api_for(alice).get(f"/api/v1/competitions/{competition.slug}/compare/",
                              {"first": worse.pk, "second": better.pk}).data
    assert (data["rows"], data["changed"], data["fixed"], data["broken"]) == (4, 2, 2, 0)
    assert data["per_class"] == [{"label": "いぬ", "fixed": 1, "broken": 0},
                                 {"label": "ねこ", "fixed": 1, "broken": 0}]
    client.force_login(alice)
    page = client.get(reverse("submission_compare", args=[competition.slug]),
                      {"first": worse.pk, "second": better.pk}).content.decode()
    assert 'data-testid="comparison"' in page and "Fixed (wrong in A, right in B)" in page


def test_another_users_submission_has_no_insight(client, competition, bob, bob_joined,
                                                 alice, alice_joined):
    set_feedback(competition, "full")
    bobs = scored_upload(competition, bob, submission_csv(TRUE_LABELS))
    client.force_login(alice)
    assert client.get(reverse("submission_insight", args=[competition.slug, bobs.pk])
                      ).status_code == 404
    assert api_for(alice).get(f"/api/v1/submissions/{bobs.pk}/insight/").status_code == 404
    response = api_for(alice).get(f"/api/v1/competitions/{competition.slug}/compare/",
                                  {"first": bobs.pk, "second": bobs.pk})
    assert response.status_code == 404


def test_report_keeps_my_notes_and_shows_my_best_submission(
        client, competition, alice, alice_joined, test_zip):
    set_feedback(competition, "full")
    best = scored_upload(competition, alice, submission_csv(TRUE_LABELS))
    scored_upload(competition, alice, submission_csv(TWO_PUBLIC_MISTAKES))
    client.force_login(alice)
    url = reverse("report", args=[competition.slug])
    response = client.post(url, {"report_notes": "データ拡張が効いた。\nAugmentation helped."})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "データ拡張が効いた。" in page
    assert f"Best submission: #{best.pk}" in page
    assert 'data-testid="confusion-matrix"' in page and "<svg" in page
    alice_joined.refresh_from_db()
    assert alice_joined.report_notes.startswith("データ拡張")


def test_analytics_are_for_organizers(client, competition, alice, alice_joined, olivia):
    set_feedback(competition, "score")
    scored_upload(competition, alice, submission_csv(PUBLIC_RIGHT_PRIVATE_BIRDS))
    client.force_login(alice)
    # One answer for page and API alike (policy.http): the competition is visible, its
    # analytics are not.
    assert client.get(reverse("analytics", args=[competition.slug])).status_code == 403
    assert api_for(alice).get(f"/api/v1/competitions/{competition.slug}/analytics/"
                              ).status_code == 403
    client.force_login(olivia)
    page = client.get(reverse("analytics", args=[competition.slug])).content.decode()
    assert 'data-testid="hardest-classes"' in page and 'class="daily-bars"' in page
    data = api_for(olivia).get(f"/api/v1/competitions/{competition.slug}/analytics/").data
    assert data["days"][0]["submissions"] == 1
    # On all rows: いぬ 2 of 4 right, ねこ 1 of 3, とり 3 of 3 (every private row said とり).
    assert [(row["label"], round(row["mean_recall"], 3)) for row in data["hardest_classes"]
            ] == [("ねこ", 0.333), ("いぬ", 0.5), ("とり", 1.0)]


def test_an_unpublished_competitions_submissions_have_no_insight(competition, alice,
                                                                 alice_joined):
    set_feedback(competition, "full")
    submission = scored_upload(competition, alice, submission_csv(TRUE_LABELS))
    competition.is_published = False
    competition.save(update_fields=["is_published"])
    assert api_for(alice).get(f"/api/v1/submissions/{submission.pk}/insight/"
                              ).status_code == 404


def test_only_images_are_served_from_test_zip(client, competition, alice, alice_joined):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("test/evil.html", "<script>alert(1)</script>")
        archive.writestr("test/img_01.png", b"not really a png")
    data_file = DataFile(competition=competition, name="test.zip")
    data_file.file.save("test.zip", ContentFile(buffer.getvalue()), save=False)
    data_file.save()
    client.force_login(alice)
    assert client.get(reverse("test_image", args=[competition.slug, "evil.html"])
                      ).status_code == 404
    image = client.get(reverse("test_image", args=[competition.slug, "img_01.png"]))
    assert image["Content-Security-Policy"] == "sandbox"
    assert image["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("value", ["²", "0", "1001", "9" * 5000, "x"])
def test_a_bad_top_is_a_clear_400(competition, alice, value):
    response = api_for(alice).get(f"/api/v1/competitions/{competition.slug}/leaderboard/",
                                  {"top": value})
    assert response.status_code == 400 and "top" in response.data


def test_a_community_host_sees_the_analytics_and_the_private_board_of_their_competition(
        client, make_competition, make_user, alice):
    host = make_user("hana")
    hosted = make_competition(slug="dangomushi", host=host)
    join_competition(competition=hosted, user=alice)
    scored_upload(hosted, alice, submission_csv(TRUE_LABELS))
    client.force_login(host)
    assert client.get(reverse("analytics", args=[hosted.slug])).status_code == 200
    assert 'data-testid="private-leaderboard"' in client.get(
        reverse("private_leaderboard", args=[hosted.slug])).content.decode()
    client.force_login(alice)
    assert client.get(reverse("analytics", args=[hosted.slug])).status_code == 403
