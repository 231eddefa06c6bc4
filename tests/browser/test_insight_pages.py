"""The insight pages in a real browser, on Hiragana-20: the confusion matrix, the examples
gallery and the report, with their Japanese class names rendered."""

import csv
import io
import random

import pytest
from django.core.management import call_command

from competitions.models import Competition
from competitions.services import join_competition
from tests.browser.conftest import log_in, screenshot
from tests.conftest import scored_upload

# Look-alike pairs of Hiragana-20 that a weak model mixes up.
LOOK_ALIKES = {"ぬ": "め", "め": "ぬ", "ね": "れ", "れ": "わ", "る": "ろ", "は": "ほ",
               "け": "は", "さ": "ち", "き": "さ", "い": "り"}


@pytest.fixture
def hiragana(db, alice):
    """The demo competition, open, with full feedback, and a submission of alice's that
    is right on about three rows in four and confuses the look-alikes on the others."""
    call_command("load_demo")
    competition = Competition.objects.get(slug="hiragana-20")
    competition.feedback_while_open = "full"
    competition.save(update_fields=["feedback_while_open"])
    join_competition(competition=competition, user=alice)
    with competition.solution_file.open("rb") as handle:
        solution = list(csv.DictReader(io.StringIO(handle.read().decode())))
    chance = random.Random(20)

    def guess(label: str) -> str:
        return LOOK_ALIKES.get(label, label) if chance.random() < 0.3 else label

    lines = ["id,label"] + [f"{row['id']},{guess(row['label'])}" for row in solution]
    submission = scored_upload(competition, alice, ("\n".join(lines) + "\n").encode(),
                               "予測.csv")
    assert submission.status == "scored"
    return competition, submission


def japanese_font_is_rendered(page) -> bool:
    return page.evaluate("document.fonts.check('12px IPAGothic', 'あめぬ')")


def test_confusion_matrix_and_examples_show_japanese_class_names(page, hiragana):
    competition, submission = hiragana
    log_in(page, "alice")
    page.goto(f"/c/{competition.slug}/submissions/{submission.pk}/insight/")
    heatmap = page.get_by_test_id("confusion-matrix")
    labels = heatmap.locator("svg text").all_text_contents()
    assert {"あ", "め", "ぬ", "は", "ほ"} <= set(labels)
    assert japanese_font_is_rendered(page)
    heatmap.screenshot(path=_artifact("confusion-matrix.png"))
    # The most confused pairs are the look-alikes the submission mixed up, and only those.
    pairs = page.get_by_test_id("confused-pairs").locator("li").all_inner_texts()
    assert len(pairs) == 5
    assert all(LOOK_ALIKES[pair[0]] == pair.split(" taken for ")[1][0] for pair in pairs), pairs

    examples = page.get_by_test_id("examples")
    images = examples.locator("img")
    assert images.count() >= 6
    # Every example image really loads from test.zip (they load lazily: scroll first).
    for index in range(images.count()):
        images.nth(index).scroll_into_view_if_needed()
    page.wait_for_function("Array.from(document.querySelectorAll('[data-testid=examples] img'))"
                           ".every(img => img.complete && img.naturalWidth > 0)")
    examples.screenshot(path=_artifact("examples.png"))


def test_report_page_prints_with_notes_history_and_confusion_matrix(page, hiragana):
    competition, _ = hiragana
    log_in(page, "alice")
    page.goto(f"/c/{competition.slug}/report/")
    page.fill("#id_report_notes", "小さな CNN にデータ拡張。ぬ と め の区別が難しかった。")
    page.get_by_role("button", name="Save notes").click()
    assert "ぬ と め の区別が難しかった" in page.get_by_test_id("report-notes").inner_text()
    assert page.get_by_test_id("confusion-matrix").is_visible()
    screenshot(page, "report")
    page.emulate_media(media="print")
    assert not page.get_by_role("button", name="Save notes").is_visible()
    page.pdf(path=_artifact("report.pdf"))


def _artifact(name: str) -> str:
    import os

    from tests.browser.conftest import ARTIFACTS

    os.makedirs(ARTIFACTS, exist_ok=True)
    return os.path.join(ARTIFACTS, name)
