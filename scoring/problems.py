"""Problems found in an uploaded file, as values.

A problem is a code, a line (and a column where it matters) and the values its message
needs. The message itself is an English template marked for translation; the page, the
API and the admin render it in the reader's language with `Problem.message()`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


def gettext_noop(text: str) -> str:
    """Marks a string for Django's `makemessages` without importing Django."""
    return text


MESSAGES: dict[str, str] = {
    "empty_file": gettext_noop("The file is empty."),
    "binary_file": gettext_noop("The file is not a CSV text file: it contains binary data."),
    "not_utf8": gettext_noop(
        "line {line}: the file is not UTF-8 text. Save it as “CSV UTF-8” and upload again."
    ),
    "shift_jis": gettext_noop(
        "line {line}: the file looks like Shift_JIS (Excel's default on Japanese Windows), "
        "not UTF-8. Save it as “CSV UTF-8” and upload again."
    ),
    "csv_syntax": gettext_noop(
        "line {line}: this line cannot be read as CSV: a quotation mark is not closed or a "
        "field is longer than 131,072 characters."
    ),
    "line_too_long": gettext_noop(
        "line {line}: this line is longer than {limit} characters: that is no row of a "
        "submission."
    ),
    "bad_archive": gettext_noop(
        "The compressed file cannot be opened: upload a .csv, .csv.gz or a .zip with one CSV."
    ),
    "zip_members": gettext_noop("The zip file must hold exactly one CSV file; it holds {count}."),
    "unpacked_too_large": gettext_noop(
        "Unpacked, the file is larger than {limit_mb} MB: that is no submission of this "
        "competition."
    ),
    "header": gettext_noop('line {line}: the header must be "{expected}", found "{found}".'),
    "header_not_expected": gettext_noop(
        'line {line}: this competition takes files without a header; remove the line "{found}".'
    ),
    "bad_index": gettext_noop(
        'line {line}: the label must be a class number from 0 to {last}, found "{label}".'
    ),
    "not_a_number": gettext_noop(
        'line {line}, column {column} ({label}): "{value}" is not a number.'
    ),
    "not_finite": gettext_noop(
        'line {line}, column {column} ({label}): "{value}" is not a finite number.'
    ),
    "negative_probability": gettext_noop(
        "line {line}, column {column} ({label}): probabilities cannot be negative, found {value}."
    ),
    "bad_sum": gettext_noop(
        "line {line}: the probabilities sum to {total}, not 1. Rows within ±{tolerance} of 1 "
        "are rescaled to 1; this one is too far off."
    ),
    "delimiter": gettext_noop(
        'line {line}: columns must be separated by commas, found "{delimiter}".'
    ),
    "columns": gettext_noop("line {line}: expected {expected} columns, found {found}."),
    "empty_id": gettext_noop("line {line}: the id is empty."),
    "unknown_id": gettext_noop('line {line}: unknown id "{id}".'),
    "duplicate_id": gettext_noop(
        'line {line}: id "{id}" appears twice (first on line {first_line}).'
    ),
    "empty_label": gettext_noop("line {line}: the label is empty."),
    "unknown_label": gettext_noop('line {line}: unknown label "{label}".'),
    "missing_id": gettext_noop("missing 1 id: {example}."),
    "missing_ids": gettext_noop("missing {count} ids, e.g. {example}."),
    "bad_usage": gettext_noop(
        'line {line}: usage must be "Public" or "Private", found "{usage}".'
    ),
    "no_rows": gettext_noop("The file has a header but no rows."),
    "no_public_rows": gettext_noop('No row has usage "Public": the public score needs some.'),
    # Hints: one, ahead of the line-by-line problems, for a learner's common mistake
    # (hints.py). They carry no line: they speak of the whole file.
    "hint_excel": gettext_noop(
        "Hint: this is an Excel workbook (or a zip that holds one), not a CSV file. In Excel "
        "use “Save As” → “CSV UTF-8 (Comma delimited)”, or pandas' to_csv, and upload that "
        "file."
    ),
    "hint_pandas_index": gettext_noop(
        "Hint: the first column looks like the row numbers that pandas adds (its index). "
        "Write the file with to_csv(..., index=False)."
    ),
    "hint_probabilities_not_labels": gettext_noop(
        "Hint: this is a probability file (one column per class), but this competition "
        "takes one label per row (id,label): write the name of the most probable class."
    ),
    "hint_labels_not_probabilities": gettext_noop(
        "Hint: this file has one label per row, but this competition takes probabilities: "
        "one column per class, with the header \"{expected}\"."
    ),
    "hint_class_numbers": gettext_noop(
        "Hint: the labels are class numbers (as Keras' argmax gives them), but this "
        "competition expects class names. Turn each number into its name, in the order of "
        "labels.csv: {order}."
    ),
    "hint_header_missing": gettext_noop(
        "Hint: the first line is already a data row; this competition needs the header "
        "line \"{expected}\" at the top of the file."
    ),
    "internal_error": gettext_noop(
        "The platform could not score this file because of an error on our side. "
        "It does not count against your limit; please upload it again."
    ),
}

# Values quoted back to the participant are cut to this length.
MAX_QUOTED_CHARS = 60


def quote(value: str) -> str:
    """A participant's value, shortened so that a message stays a message."""
    if len(value) <= MAX_QUOTED_CHARS:
        return value
    return value[: MAX_QUOTED_CHARS - 1] + "…"


@dataclass(frozen=True)
class Problem:
    code: str
    line: int | None = None
    column: int | None = None
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, translate: Callable[[str], str] = str) -> str:
        template = translate(MESSAGES[self.code])
        return template.format(line=self.line, column=self.column, **self.params)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "line": self.line, "column": self.column,
                "params": dict(self.params)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Problem":
        return cls(code=data["code"], line=data.get("line"), column=data.get("column"),
                   params=dict(data.get("params") or {}))


# A file can have a problem on every one of millions of lines: only the first ones are kept
# (no page shows more), the rest are counted. Memory stays the same whatever the file.
KEPT_PROBLEMS = 1000


class ProblemLog:
    """The first `keep` problems in file order, and how many there are in all."""

    def __init__(self, keep: int | None = None):
        self.keep = KEPT_PROBLEMS if keep is None else keep
        self.kept: list[Problem] = []
        self.count = 0

    def add(self, problem: Problem) -> None:
        self.count += 1
        if len(self.kept) < self.keep:
            self.kept.append(problem)

    def __bool__(self) -> bool:
        return self.count > 0

    @property
    def full(self) -> bool:
        return len(self.kept) >= self.keep

    def invalid(self) -> "InvalidFile":
        return InvalidFile(self.kept, count=self.count)


class InvalidFile(Exception):
    """The file cannot be scored. `problems`: the first reasons found, in file order (at
    most KEPT_PROBLEMS); `count`: how many were found in all."""

    def __init__(self, problems: list[Problem], count: int | None = None):
        super().__init__(f"{count or len(problems)} problem(s), first: "
                         f"{problems[0].message()}")
        self.problems = problems[:KEPT_PROBLEMS]
        self.count = len(problems) if count is None else count

    def with_hint(self, hint: "Problem") -> "InvalidFile":
        """The same problems with a hint ahead of them (counted, so that "and N more"
        stays true)."""
        return InvalidFile([hint, *self.problems], count=self.count + 1)
