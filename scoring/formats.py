"""What a submission file looks like, as set per competition by the organizer."""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class Header(StrEnum):
    REQUIRED = "required"  # Kaggle: the first line is the header
    ABSENT = "absent"  # SIGNATE: no header, every line is a row
    EITHER = "either"  # a header line is skipped if present


class LabelsAs(StrEnum):
    NAME = "name"  # the class name, e.g. "あ"
    INDEX = "index"  # the class's position in the ordered labels, from 0


class Kind(StrEnum):
    LABEL = "label"  # id,label
    PROBABILITY = "probability"  # id plus one column per class


@dataclass(frozen=True)
class SubmissionFormat:
    header: Header = Header.REQUIRED
    labels_as: LabelsAs = LabelsAs.NAME
    kind: Kind = Kind.LABEL

    def expected_header(self, labels: Sequence[str]) -> tuple[str, ...]:
        if self.kind == Kind.PROBABILITY:
            return ("id", *labels)
        return ("id", "label")


DEFAULT_FORMAT = SubmissionFormat()

# Rows of a probability file must sum to 1 within this; they are then rescaled to exactly 1.
PROBABILITY_SUM_TOLERANCE = 0.01
