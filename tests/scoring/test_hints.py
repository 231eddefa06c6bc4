"""A learner's common mistake gets one hint ahead of the problems; other files get none."""

import pytest
from django.utils import translation

from scoring.formats import DEFAULT_FORMAT
from scoring.hints import HEAD_BYTES
from scoring.problems import InvalidFile
from scoring.scorer import validate_submission
from scoring.solution import parse_solution

LABELS = [f"class_{number:02d}" for number in range(40)]
IDS = [f"{number:05d}.png" for number in range(400)]
SOLUTION = parse_solution(("id,label,usage\n" + "".join(
    f"{id_},{LABELS[n % 40]},{'Public' if n % 2 else 'Private'}\n"
    for n, id_ in enumerate(IDS))).encode(), LABELS)


def problems(data: bytes, labels=LABELS, solution=SOLUTION, fmt=DEFAULT_FORMAT):
    with pytest.raises(InvalidFile) as caught:
        validate_submission(data, solution=solution, labels=labels, fmt=fmt)
    return caught.value


def test_class_numbers_hint_names_the_order_and_elides_past_thirty_classes():
    data = ("id,label\n" + "".join(f"{id_},{n % 40}\n" for n, id_ in enumerate(IDS))).encode()
    invalid = problems(data)
    hint = invalid.problems[0].message()
    assert "0 = class_00, 1 = class_01" in hint and "29 = class_29, …" in hint
    assert "30 = class_30" not in hint
    # The hint is counted, so that "and N more" stays true.
    assert invalid.count == 1 + 400


def test_hint_is_in_the_readers_language():
    data = ("," + "id,label\n" + "".join(f"{n},{id_},class_00\n" for n, id_ in enumerate(IDS))
            ).encode()
    hint = problems(data).problems[0]
    with translation.override("ja"):
        assert "index=False" in hint.message(translation.gettext)
        assert hint.message(translation.gettext).startswith("ヒント")


def test_numbers_are_no_mistake_where_the_class_names_are_numbers():
    labels = [str(number) for number in range(10)]
    solution = parse_solution(b"id,label,usage\na.png,3,Public\nb.png,4,Private\n", labels)
    invalid = problems(b"id,label\na.png,3\nb.png,12\n", labels=labels, solution=solution)
    assert [problem.code for problem in invalid.problems] == ["unknown_label"]


def test_an_ordinary_mistake_gets_no_hint():
    data = ("id,label\n" + "".join(f"{id_},class_00\n" for id_ in IDS[:-1])).encode()
    assert [problem.code for problem in problems(data).problems] == ["missing_id"]


def test_the_hint_reads_only_the_head_of_a_large_file():
    # A file far larger than the head: the hint comes from its first rows alone.
    rows = "".join(f"{n},{id_},class_00\n" for n, id_ in enumerate(IDS))
    data = (",id,label\n" + rows * (3 * HEAD_BYTES // len(rows) + 1)).encode()
    assert len(data) > 3 * HEAD_BYTES
    assert problems(data).problems[0].code == "hint_pandas_index"
