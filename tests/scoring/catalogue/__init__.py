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
