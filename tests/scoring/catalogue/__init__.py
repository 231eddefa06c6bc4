"""The catalogue of submission files and their expected messages (see build.py)."""

import json
from pathlib import Path

from scoring.formats import Header, Kind, LabelsAs, SubmissionFormat

HERE = Path(__file__).resolve().parent
CATALOGUE = json.loads((HERE / "catalogue.json").read_text(encoding="utf-8"))
LABELS: list[str] = CATALOGUE["labels"]
ENTRIES: list[dict] = CATALOGUE["entries"]
SOLUTION_CSV = (HERE / "solution.csv").read_bytes()


def content(entry: dict) -> bytes:
    return (HERE / "files" / entry["file"]).read_bytes()


def submission_format(entry: dict) -> SubmissionFormat:
    fmt = entry["format"]
    return SubmissionFormat(header=Header(fmt["header"]), labels_as=LabelsAs(fmt["labels_as"]),
                            kind=Kind(fmt["kind"]))


def competition_fields(entry: dict) -> dict:
    """Competition model fields for an entry's format."""
    fmt = entry["format"]
    return {"labels": LABELS, "submission_kind": fmt["kind"],
            "submission_header": fmt["header"], "submission_labels_as": fmt["labels_as"]}


def competitions_by_file(make_competition, participant) -> dict:
    """One competition per submission format of the catalogue, joined by the participant;
    returns each catalogue file's competition."""
    from competitions.services import join_competition

    by_format, by_file = {}, {}
    for entry in ENTRIES:
        fields = competition_fields(entry)
        key = (fields["submission_kind"], fields["submission_header"],
               fields["submission_labels_as"])
        if key not in by_format:
            by_format[key] = make_competition(slug=f"catalogue-{len(by_format)}",
                                              solution=SOLUTION_CSV,
                                              daily_submission_limit=100, **fields)
            join_competition(competition=by_format[key], user=participant)
        by_file[entry["file"]] = by_format[key]
    return by_file
