"""The publish checklist: what is missing or inconsistent in a competition, each problem
with how to fix it. The admin shows it on a competition's page and refuses to publish
while a blocking problem remains (`publish_refusals`).

Reads only stored state: the data files, the hidden solution, the dates and labels.
"""

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from scoring.problems import InvalidFile
from scoring.scorer import validate_submission

from .models import Competition

SAMPLE = "sample_submission.csv"
TEST_ZIP = "test.zip"
LABELS_CSV = "labels.csv"
SHOWN_PROBLEMS = 3


@dataclass(frozen=True)
class Item:
    code: str
    problem: str
    fix: str
    blocking: bool = True


def competition_checklist(competition: Competition, *, at: datetime | None = None,
                          solution_content: bytes | None = None) -> list[Item]:
    """Every problem found, blocking ones first. `solution_content`: a solution about to
    be stored (the admin form's upload), checked in place of the stored one."""
    at = at or timezone.now()
    items = _dates(competition, at)
    files = ({data_file.name: data_file for data_file in competition.data_files.all()}
             if competition.pk else {})
    solution = _solution(competition, solution_content)
    if solution is None:
        items.append(Item("no_solution", _("There is no hidden solution: nothing can be "
                                           "scored."),
                          _("Upload solution.csv (id,label, and usage if you choose the "
                            "Public and Private rows yourself) under “upload hidden "
                            "solution”.")))
    if TEST_ZIP not in files:
        items.append(Item("no_test_zip", _("There is no test.zip: participants have no test "
                                           "images, and the insight pages show empty example "
                                           "frames."),
                          _("Add test.zip (the test images, named as the ids of the "
                            "solution) under Data files."), blocking=False))
    if SAMPLE not in files:
        items.append(Item("no_sample", _("There is no sample_submission.csv: participants "
                                         "have no file to start from."),
                          _("Add sample_submission.csv (every test id once, a valid label in "
                            "each row) under Data files.")))
    if LABELS_CSV in files:
        items += _labels_csv(competition, files[LABELS_CSV])
    if solution is not None:
        items += _solution_labels(competition, solution)
        if SAMPLE in files:
            items += _sample(competition, files[SAMPLE], solution)
    return sorted(items, key=lambda item: not item.blocking)


def publish_refusals(competition: Competition, **options) -> list[Item]:
    """The blocking problems: publishing waits until there are none."""
    return [item for item in competition_checklist(competition, **options) if item.blocking]


def _dates(competition: Competition, at: datetime) -> list[Item]:
    start, end = competition.start_at, competition.end_at
    if start and end and end <= start:
        return [Item("end_before_start", _("The end comes before the start."),
                     _("Set the end after the start (or leave it empty for a practice "
                       "competition)."))]
    if end and end <= at:
        return [Item("end_past", _("The end is in the past: nobody could submit."),
                     _("Move the end to a date to come."))]
    return []


def _solution(competition: Competition, content: bytes | None):
    try:
        if content is not None:
            from scoring.solution import parse_solution

            return parse_solution(content, competition.labels)
        return competition.load_solution() if competition.has_solution else None
    except InvalidFile:
        return None


def _read(data_file) -> bytes:
    with data_file.file.open("rb") as handle:
        return handle.read()


def _labels_csv(competition: Competition, data_file) -> list[Item]:
    try:
        rows = list(csv.reader(io.StringIO(_read(data_file).decode("utf-8-sig"))))
    except (UnicodeDecodeError, csv.Error, OSError):
        rows = []
    listed = [row[0].strip() for row in rows[1:] if row and row[0].strip()]
    if listed == list(competition.labels):
        return []
    return [Item("labels_csv_differs",
                 _("labels.csv lists %(listed)s, but the competition's labels are "
                   "%(labels)s.") % {"listed": ", ".join(listed) or "—",
                                     "labels": ", ".join(competition.labels)},
                 _("Make labels.csv list the competition's labels in the same order, or "
                   "change the labels to match it."))]


def _solution_labels(competition: Competition, solution) -> list[Item]:
    used = {int(target) for target in solution.targets}
    unused = [label for index, label in enumerate(competition.labels) if index not in used]
    if not unused:
        return []
    return [Item("labels_not_in_solution",
                 _("No test image of the solution has the label %(labels)s.")
                 % {"labels": ", ".join(unused)},
                 _("Check the labels for a typing error; a class without test images is "
                   "never scored."), blocking=False)]


def _sample(competition: Competition, data_file, solution) -> list[Item]:
    try:
        validate_submission(_read(data_file), solution=solution, labels=competition.labels,
                            fmt=competition.submission_format,
                            max_unpacked_bytes=competition.max_unpacked_bytes)
    except InvalidFile as invalid:
        shown = "; ".join(problem.message(gettext) for problem in invalid.problems[:SHOWN_PROBLEMS])
        return [Item("sample_invalid",
                     _("sample_submission.csv does not validate against the solution "
                       "(%(count)s problems: %(problems)s).")
                     % {"count": invalid.count, "problems": shown},
                     _("Upload a sample with every test id of the solution once and a label "
                       "from the labels in each row, in the submission format chosen."))]
    return []
