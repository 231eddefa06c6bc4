"""Baseline entries: predictions the organizer posts for comparison (random, majority
class, the starter kit's). They are scored like any file, shown with a badge, never ranked."""

import csv
import io
from collections import Counter

import numpy as np
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from .models import Competition, Submission, Team
from .models.competition import HeaderChoice, KindChoice, LabelsAsChoice
from .queueing import enqueue_scoring

RANDOM_SEED = 0


@transaction.atomic
def baseline_post(*, competition: Competition, name: str, content: bytes, user,
                  filename: str = "baseline.csv") -> Submission:
    """Score `content` as the baseline called `name` (created if new). No limits apply."""
    team, _ = Team.objects.get_or_create(competition=competition, name=name,
                                         defaults={"is_baseline": True})
    if not team.is_baseline:
        raise ValueError(f"{name!r} is a participant's team, not a baseline")
    upload = SimpleUploadedFile(filename, content, content_type="text/csv")
    submission = Submission(competition=competition, team=team, submitted_by=user,
                            original_name=filename, size=len(content),
                            description=f"baseline: {name}")
    submission.file.save(filename, upload, save=False)
    submission.save()
    transaction.on_commit(lambda: enqueue_scoring(submission.pk))
    return submission


def standard_baselines(competition: Competition) -> dict[str, bytes]:
    """A random guess and the most frequent training class, for every test id. Probability
    competitions get uniform probabilities and one-hot majority rows."""
    ids = sorted(competition.load_solution().ids)
    labels = competition.labels
    majority = _majority_training_label(competition) or labels[0]
    rng = np.random.default_rng(RANDOM_SEED)
    guesses = rng.integers(0, len(labels), len(ids))
    if competition.submission_kind == KindChoice.PROBABILITY:
        header = "id," + ",".join(labels)
        uniform = ",".join([f"{1 / len(labels):.6f}"] * len(labels))
        one_hot = ",".join("1" if label == majority else "0" for label in labels)
        return {"Random": _csv(header, [f"{i},{uniform}" for i in ids]),
                "Majority class": _csv(header, [f"{i},{one_hot}" for i in ids])}
    index_labels = competition.submission_labels_as == LabelsAsChoice.INDEX

    def shown(position: int) -> str:
        return str(position) if index_labels else labels[position]

    header = None if competition.submission_header == HeaderChoice.ABSENT else "id,label"
    return {"Random": _csv(header, [f"{i},{shown(g)}" for i, g in zip(ids, guesses,
                                                                       strict=True)]),
            "Majority class": _csv(header, [f"{i},{shown(labels.index(majority))}"
                                            for i in ids])}


def _majority_training_label(competition: Competition) -> str | None:
    train = competition.data_files.filter(name="train.csv").first()
    if train is None:
        return None
    with train.file.open("rb") as handle:
        counts = Counter(row.get("label") for row in
                         csv.DictReader(io.StringIO(handle.read().decode("utf-8-sig"))))
    known = [(count, label) for label, count in counts.items() if label in competition.labels]
    return max(known)[1] if known else None


def _csv(header: str | None, lines: list[str]) -> bytes:
    return ("\n".join(([header] if header else []) + lines) + "\n").encode()
