"""The server-drawn SVG charts come from auto-escaped templates: a class name, a series name
or a title that holds markup is shown as text, never run, and the SVG stays well-formed."""

import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta

import numpy as np
from django.conf import settings

from competitions.charts import Series, best_so_far, daily_bars_svg, score_history_svg
from competitions.insight.heatmap import confusion_svg
from scoring.error_analysis import Confusion
from scoring.metrics import METRICS

ACCURACY = METRICS["accuracy"]

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script>&\''
START = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)


def parsed(svg: str) -> ET.Element:
    """The chart as XML: raises if a name broke out of its attribute or element."""
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    return ["".join(element.itertext()) for element in root.iter()
            if element.tag in (f"{SVG}text", f"{SVG}title")]


def test_a_hostile_series_name_and_title_are_text_in_the_score_history():
    points = [(START + timedelta(hours=hour), score)
              for hour, score in enumerate([0.5, 0.25, 0.75])]
    svg = score_history_svg([Series(HOSTILE, points, best_so_far(points, ACCURACY), "#2457d6")],
                            HOSTILE)
    assert "<script" not in svg and "&lt;script&gt;" in svg
    root = parsed(svg)
    assert not list(root.iter(f"{SVG}script")) and not list(root.iter("script"))
    assert root.get("aria-label") == HOSTILE
    assert f"● {HOSTILE}" in texts(root)
    assert [title for title in texts(root) if title.startswith(HOSTILE + " ")] == [
        f"{HOSTILE} 0.50000", f"{HOSTILE} 0.25000", f"{HOSTILE} 0.75000"]


def test_the_score_history_draws_a_dot_per_score_and_steps_only_at_a_new_best():
    points = [(START + timedelta(hours=hour), score)
              for hour, score in enumerate([0.5, 0.25, 0.75])]
    root = parsed(score_history_svg(
        [Series("Public score", points, best_so_far(points, ACCURACY), "#2457d6")], "History"))
    assert len(list(root.iter(f"{SVG}circle"))) == 3
    steps = next(root.iter(f"{SVG}polyline")).get("points").split()
    # Best 0.5, flat to the third hour, up to 0.75, flat to the right edge.
    assert len(steps) == 4 and steps[1].split(",")[1] == steps[0].split(",")[1]
    # Times are shown in the site's time zone (Asia/Tokyo in the test settings).
    assert "2026-04-01 18:00" in texts(root)


def test_a_hostile_class_name_is_text_in_the_confusion_heatmap():
    confusion = Confusion.from_lists([[2, 1], [0, 3]], ["いぬ", HOSTILE])
    svg = confusion_svg(confusion, HOSTILE, "true class", "predicted class")
    assert "<script" not in svg
    root = parsed(svg)
    assert not list(root.iter(f"{SVG}script"))
    assert root.get("aria-label") == HOSTILE
    # Long names are shortened on the axes; the cells' titles carry them whole.
    assert f"{HOSTILE} → いぬ: 0 (0%)" in texts(root)
    assert f"いぬ → {HOSTILE}: 1 (33%)" in texts(root)
    assert texts(root).count(HOSTILE[:13] + "…") == 2


def test_a_hostile_title_is_text_in_the_daily_bars():
    days = [(date(2026, 4, day), day % 3) for day in range(1, 8)]
    root = parsed(daily_bars_svg(days, HOSTILE))
    assert root.get("aria-label") == HOSTILE
    assert len(list(root.iter(f"{SVG}rect"))) == 7
    assert "2026-04-03: 0" in texts(root) and "2026-04-07" in texts(root)


def test_no_scores_and_no_days_draw_nothing():
    assert score_history_svg([], "History") == "" and daily_bars_svg([], "Days") == ""


def test_a_three_class_confusion_heatmap_is_drawn_small_without_a_blank_frame():
    labels = ["いぬ", "ねこ", "とり"]
    confusion = Confusion.of(np.array([0, 1, 2, 2]), np.array([0, 1, 2, 1]), labels)
    svg = confusion_svg(confusion, "Public", "true class", "predicted class")
    width, height = (int(value) for value in re.search(
        r'viewBox="0 0 (\d+) (\d+)"', svg).groups())
    # Three 30 px cells plus room for two-character names: no 110 px header, no 120 px margin.
    assert width <= 60 + 3 * 30 + 8 and height <= 60 + 3 * 30 + 8
    # The page draws it at that size instead of stretching it to the card.
    css = (settings.BASE_DIR / "static" / "kompe.css").read_text()
    assert ".chart.heatmap svg { width: auto; max-width: 100%; }" in css


def test_long_class_names_still_get_room_in_the_heatmap():
    labels = ["golden_retriever_dog", "cat"]
    svg = confusion_svg(Confusion.of(np.array([0, 1]), np.array([0, 1]), labels), "t", "a", "b")
    width = int(re.search(r'viewBox="0 0 (\d+)', svg).group(1))
    assert width >= 100 + 2 * 30
