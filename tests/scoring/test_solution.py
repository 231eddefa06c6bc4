import pytest

from scoring.problems import InvalidFile
from scoring.solution import parse_solution

LABELS = ["あ", "い"]


def messages(content: str) -> list[str]:
    with pytest.raises(InvalidFile) as caught:
        parse_solution(content.encode(), LABELS)
    return [problem.message() for problem in caught.value.problems]


def test_solution_keeps_order_targets_and_usage():
    solution = parse_solution("id,label,usage\nx,い,Public\ny,あ,Private\n".encode(), LABELS)
    assert solution.ids == ("x", "y")
    assert solution.targets.tolist() == [1, 0]
    assert (solution.public_count, solution.private_count) == (1, 1)


def test_solution_problems_are_all_reported():
    assert messages("id,label,usage\nx,い,public\nx,う,Private\n,あ,Private\n") == [
        'line 2: usage must be "Public" or "Private", found "public".',
        'line 3: id "x" appears twice (first on line 2).',
        'line 3: unknown label "う".',
        "line 4: the id is empty.",
    ]


def test_solution_needs_its_header_rows_and_public_rows():
    assert messages("id,label\nx,い\n")[0] == (
        'line 1: the header must be "id,label,usage", found "id,label".')
    assert messages("id,label,usage\n") == ["The file has a header but no rows."]
    assert messages("id,label,usage\nx,い,Private\n") == [
        'No row has usage "Public": the public score needs some.']
