"""Every bad file names its line and its problem; good files in every accepted shape parse."""

import numpy as np
import pytest

from scoring.problems import InvalidFile
from scoring.scorer import validate_submission
from scoring.solution import parse_solution
from scoring.submission import parse_submission

LABELS = ["あ", "い", "う"]
SOLUTION = parse_solution(
    "id,label,usage\na.png,あ,Public\nb.png,い,Private\nc.png,う,Public\n".encode(), LABELS)


def problems_of(text: str | bytes) -> list[str]:
    data = text.encode() if isinstance(text, str) else text
    with pytest.raises(InvalidFile) as caught:
        validate_submission(data, solution=SOLUTION, labels=LABELS)
    return [problem.message() for problem in caught.value.problems]


@pytest.mark.parametrize("content", [
    "id,label\na.png,あ\nb.png,い\nc.png,う\n",
    "\ufeffid,label\r\na.png,あ\r\nb.png,い\r\nc.png,う\r\n",
    'id,label\n"a.png","あ"\nb.png,い\nc.png,う\n\n\n',
    "id,label\nc.png,う\na.png,あ\nb.png,い",
])
def test_valid_files_in_every_accepted_shape_parse_to_the_solution_order(content):
    predictions = validate_submission(content.encode(), solution=SOLUTION, labels=LABELS)
    assert predictions.classes.tolist() == [0, 1, 2]
    assert parse_submission(content.encode(), SOLUTION, LABELS).classes.tolist() == [0, 1, 2]


def test_predictions_are_class_indices_in_solution_row_order():
    content = "id,label\nc.png,あ\nb.png,あ\na.png,う\n".encode()
    assert np.array_equal(validate_submission(content, solution=SOLUTION, labels=LABELS)
                          .classes, [2, 0, 0])


def test_empty_file_is_reported():
    assert problems_of("") == ["The file is empty."]
    assert problems_of("\n\n  \n") == ["The file is empty."]


def test_duplicated_id_names_both_lines():
    messages = problems_of("id,label\na.png,あ\nb.png,い\na.png,う\nc.png,う\n")
    assert messages == ['line 4: id "a.png" appears twice (first on line 2).']


def test_unknown_label_names_its_line():
    assert problems_of("id,label\na.png,あ\nb.png,cat\nc.png,う\n") == [
        'line 3: unknown label "cat".']


def test_empty_label_and_empty_id_are_reported():
    assert problems_of("id,label\na.png,\n,い\nb.png,い\nc.png,う\n") == [
        "line 2: the label is empty.", "line 3: the id is empty."]


def test_unknown_id_is_reported():
    assert problems_of("id,label\na.png,あ\nb.png,い\nc.png,う\nzzz.png,あ\n") == [
        'line 5: unknown id "zzz.png".']


def test_missing_ids_are_counted_with_an_example():
    assert problems_of("id,label\na.png,あ\n") == ["missing 2 ids, e.g. b.png."]
    assert problems_of("id,label\na.png,あ\nc.png,う\n") == ["missing 1 id: b.png."]


def test_wrong_header_is_reported_on_line_one():
    assert problems_of("image,class\na.png,あ\nb.png,い\nc.png,う\n") == [
        'line 1: the header must be "id,label", found "image,class".']


def test_missing_header_is_reported_and_the_first_row_counts_as_missing():
    assert problems_of("a.png,あ\nb.png,い\nc.png,う\n") == [
        'Hint: the first line is already a data row; this competition needs the header line '
        '"id,label" at the top of the file.',
        'line 1: the header must be "id,label", found "a.png,あ".',
        "missing 1 id: a.png."]


def test_wrong_number_of_columns_is_reported():
    assert problems_of("id,label\na.png,あ,0.9\nb.png,い\nc.png,う\n") == [
        "line 2: expected 2 columns, found 3."]


def test_semicolons_are_reported_as_the_wrong_delimiter():
    messages = problems_of("id;label\na.png;あ\nb.png;い\nc.png;う\n")
    assert messages[0] == 'line 1: the header must be "id,label", found "id;label".'
    assert messages[1] == 'line 2: columns must be separated by commas, found ";".'
    assert len(messages) == 4


def test_shift_jis_file_is_recognised():
    data = "id,label\na.png,あ\nb.png,い\nc.png,う\n".encode("cp932")
    assert problems_of(data) == [
        "line 2: the file looks like Shift_JIS (Excel's default on Japanese Windows), "
        "not UTF-8. Save it as “CSV UTF-8” and upload again."]


def test_binary_file_is_refused():
    assert problems_of(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR") == [
        "The file is not a CSV text file: it contains binary data."]


def test_every_problem_is_reported_in_file_order():
    content = "id,label\na.png,x\na.png,y\n,あ\n"
    messages = problems_of(content)
    assert messages == ['line 2: unknown label "x".',
                        'line 3: id "a.png" appears twice (first on line 2).',
                        'line 3: unknown label "y".', "line 4: the id is empty.",
                        "missing 2 ids, e.g. b.png."]


def test_long_values_are_shortened_in_messages():
    message = problems_of(f"id,label\na.png,{'x' * 500}\nb.png,い\nc.png,う\n")[0]
    assert len(message) < 100 and message.endswith('…".')


def test_problems_carry_line_column_and_code_as_values():
    with pytest.raises(InvalidFile) as caught:
        parse_submission("id,label\na.png,x\nb.png,い\nc.png,う\n".encode(), SOLUTION, LABELS)
    problem = caught.value.problems[0]
    assert (problem.code, problem.line, problem.column) == ("unknown_label", 2, 2)
    assert problem.params == {"label": "x"}


def test_missing_id_example_does_not_reveal_the_solutions_row_order():
    # A solution grouped by label: its order must not leak through the example.
    grouped = parse_solution("id,label,usage\nz.png,あ,Public\nm.png,あ,Private\n"
                             "a.png,い,Public\n".encode(), LABELS)
    with pytest.raises(InvalidFile) as caught:
        parse_submission(b"id,label\n", grouped, LABELS)
    assert caught.value.problems[0].message() == "missing 3 ids, e.g. a.png."


def test_unclosed_quote_or_huge_field_is_a_problem_of_the_file():
    huge = "id,label\na.png,あ\n\"b.png" + "x" * 200_000 + "\n"
    assert problems_of(huge) == [
        "line 3: this line cannot be read as CSV: a quotation mark is not closed or a field "
        "is longer than 131,072 characters."]
