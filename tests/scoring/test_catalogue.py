"""Every file of the catalogue gets exactly its messages from the scoring core, in English
and in Japanese."""

import pytest
from django.utils import translation

from scoring.problems import InvalidFile
from scoring.scorer import validate_submission
from scoring.solution import parse_solution
from tests.scoring.catalogue import ENTRIES, LABELS, SOLUTION_CSV, content, submission_format

SOLUTION = parse_solution(SOLUTION_CSV, LABELS)


def problems(entry):
    try:
        validate_submission(content(entry), solution=SOLUTION, labels=LABELS,
                            fmt=submission_format(entry))
    except InvalidFile as invalid:
        return invalid.problems
    return []


@pytest.mark.parametrize("entry", ENTRIES, ids=[entry["file"] for entry in ENTRIES])
def test_catalogue_file_gets_exactly_its_messages(entry):
    found = problems(entry)
    assert [problem.message() for problem in found] == entry["messages"]
    with translation.override("ja"):
        japanese = [problem.message(translation.gettext) for problem in found]
    for problem, english, words in zip(found, entry["messages"], japanese, strict=True):
        assert words != english
        if problem.line is not None:
            assert f"{problem.line} 行目" in words


def test_catalogue_covers_every_problem_a_submission_can_have():
    from scoring.problems import MESSAGES

    seen = {problem.code for entry in ENTRIES for problem in problems(entry)}
    # line_too_long takes a file of a megabyte, not a catalogue entry: tests/scoring/
    # test_memory_bounds.py checks it.
    not_for_submissions = {"bad_usage", "no_rows", "no_public_rows", "internal_error",
                           "unpacked_too_large", "missing_ids", "missing_id", "line_too_long"}
    assert set(MESSAGES) - not_for_submissions <= seen | {"missing_ids", "missing_id"}
    assert {"missing_ids", "missing_id"} <= seen
