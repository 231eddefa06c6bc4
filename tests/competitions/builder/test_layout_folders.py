"""One folder per class, and nothing else: other layouts and risky labels are refused."""

import io

import pytest

from competitions.builder.archive import Archive
from competitions.builder.layout import inventory
from competitions.builder.limits import Limits
from competitions.builder.refusals import BuildRefused
from tests.imagezips import folder_entries, image_bytes, make_zip

LIMITS = Limits()


def refusal(entries: dict[str, bytes]) -> BuildRefused:
    with pytest.raises(BuildRefused) as raised:
        with Archive(io.BytesIO(make_zip(entries)), LIMITS) as archive:
            inventory(archive, LIMITS)
    return raised.value


def test_a_folder_inside_a_class_folder_is_refused_with_the_expected_layout():
    entries = {f"research/{name}": data for name, data in folder_entries(per_class=5).items()}
    entries["research/dangomushi/day2/extra.png"] = image_bytes(97)
    refused = refusal(entries)
    assert refused.code == "nested_folders"
    assert refused.message().startswith(
        "research/dangomushi/day2/extra.png is in a folder inside the class folder "
        "“dangomushi”:")
    assert "dangomushi/001.jpg" in refused.message()


def test_a_sub_folder_inside_one_class_folder_is_refused():
    entries = {**folder_entries(per_class=5), "dangomushi/day2/extra.png": image_bytes(99)}
    assert refusal(entries).params["folder"] == "dangomushi"


def test_images_at_different_depths_under_a_common_folder_are_refused():
    entries = {f"research/{name}": data for name, data in folder_entries(per_class=5).items()}
    entries["research/warajimushi/old/1.png"] = image_bytes(98)
    assert refusal(entries).code == "nested_folders"


@pytest.mark.parametrize("label", ["=HYPERLINK(1)", "+81", "-cat", "@SUM"])
def test_labels_a_spreadsheet_would_run_as_formulas_are_refused(label):
    refused = refusal(folder_entries([label, "b"], 5))
    assert refused.code == "label_formula"
    assert "spreadsheets read as a formula" in refused.message()


@pytest.mark.parametrize("label", ["cat\u202edog", "ne\u200bko", "a\u2028b", "a\u2029b",
                                   "a\tb"])
def test_labels_with_invisible_or_bidi_characters_are_refused(label):
    refused = refusal(folder_entries([label, "b"], 5))
    assert refused.code == "label_characters"
    assert "invisible formatting character" in refused.message()


def test_a_label_with_a_hyphen_inside_is_fine():
    with Archive(io.BytesIO(make_zip(folder_entries(["pill-bug", "wood_louse"], 5))),
                 LIMITS) as archive:
        assert inventory(archive, LIMITS).labels == ["pill-bug", "wood_louse"]
