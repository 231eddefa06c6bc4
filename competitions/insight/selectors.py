"""Reads for the insight pages and API. Every function takes the scope the caller was
allowed (see access.py) and describes only those rows."""

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from django.db import models
from django.db.models import Count
from django.db.models.functions import Mod, TruncDate
from django.utils.translation import gettext_lazy as _

from scoring.error_analysis import Comparison, Confusion, compare
from scoring.problems import InvalidFile
from scoring.scorer import validate_submission
from scoring.solution import Solution
from scoring.submission import Predictions

from ..models import Competition, Submission
from ..policy import Hidden

EXAMPLES_PER_GROUP = 6
PAIR_GROUPS = 6
SCORES_SAMPLED = 2000


def confusion_for(submission: Submission, scope: str) -> Confusion:
    labels = submission.competition.labels
    parts = {part: Confusion.from_lists(counts, labels)
             for part, counts in _confusion_parts(submission).items()}
    return parts["public"] + parts["private"] if scope == "all" else parts[scope]


def _confusion_parts(submission: Submission) -> dict[str, list[list[int]]]:
    if submission.confusion:
        return submission.confusion
    # Scored before the matrices were kept with the scores: compute them once, from the file.
    predictions, solution = _predictions(submission)
    parts = {part: Confusion.of(solution.targets[rows], predictions.classes[rows],
                                submission.competition.labels).as_lists()
             for part, rows in (("public", solution.is_public),
                                ("private", ~solution.is_public))}
    Submission.objects.filter(pk=submission.pk, status=Submission.Status.SCORED).update(
        confusion=parts)
    submission.confusion = parts
    return parts


class NoPredictions(Hidden):
    """The predictions cannot be read again: no file (a baseline posted without one, or a
    file removed by hand), or a file that no longer fits the competition's format. Like
    anything hidden, a 404 (policy.http)."""


def _predictions(submission: Submission) -> tuple[Predictions, Solution]:
    """The submission's predictions, parsed again from its file."""
    if not submission.file or not submission.file.storage.exists(submission.file.name):
        raise NoPredictions
    competition = submission.competition
    solution = competition.load_solution()
    with submission.file.open("rb") as handle:
        data = handle.read()
    try:
        predictions = validate_submission(data, solution=solution,
                                          labels=competition.labels,
                                          fmt=competition.submission_format,
                                          max_unpacked_bytes=competition.max_unpacked_bytes)
    except InvalidFile:
        raise NoPredictions from None  # the format changed since; a rescore brings it back
    return predictions, solution


def _rows(solution: Solution, scope: str) -> np.ndarray:
    if scope == "public":
        return solution.is_public
    if scope == "private":
        return ~solution.is_public
    return np.ones(len(solution), dtype=bool)


@dataclass(frozen=True)
class Example:
    image_id: str
    true_label: str
    predicted_label: str
    confidence: float | None  # the predicted class's probability (probability files)


class ExampleKind(models.TextChoices):
    CONFIDENT_MISTAKES = "confident_mistakes", _("Most confident mistakes")
    PAIR = "pair"  # one kind of mistake: titled by its true and predicted class
    CONFIDENT_CORRECT = "confident_correct", _("Right, with the highest confidence")
    # A label file carries no confidence: its right answers are just right answers.
    CORRECT = "correct", _("Right answers")


@dataclass(frozen=True)
class ExampleGroup:
    Kind: ClassVar = ExampleKind  # for templates: group.Kind.PAIR

    kind: ExampleKind
    count: int  # rows of this kind, of which `examples` shows a few
    examples: list[Example]
    true_label: str = ""
    predicted_label: str = ""


def examples_for(submission: Submission, scope: str) -> list[ExampleGroup]:
    """Test images grouped by (true, predicted): the most frequent mistakes, the most
    confident mistakes (probability files), and confidently right ones."""
    predictions, solution = _predictions(submission)
    labels = submission.competition.labels
    rows = np.flatnonzero(_rows(solution, scope))
    targets, predicted = solution.targets[rows], predictions.classes[rows]
    confidence = (None if predictions.probabilities is None
                  else predictions.probabilities[rows, predicted])
    # Most confident first; without probabilities, in the solution's order.
    order = (np.arange(len(rows)) if confidence is None
             else np.argsort(-confidence, kind="stable"))

    def pick(mask: np.ndarray) -> list[Example]:
        chosen = [index for index in order if mask[index]][:EXAMPLES_PER_GROUP]
        return [Example(solution.id_of(int(rows[index])), labels[targets[index]],
                        labels[predicted[index]],
                        None if confidence is None else float(confidence[index]))
                for index in chosen]

    wrong = targets != predicted
    groups = []
    if confidence is not None and wrong.any():
        groups.append(ExampleGroup(ExampleKind.CONFIDENT_MISTAKES, int(wrong.sum()), pick(wrong)))
    matrix = Confusion.of(targets, predicted, labels)
    for true_label, predicted_label, count in matrix.most_confused(PAIR_GROUPS):
        mask = ((targets == labels.index(true_label))
                & (predicted == labels.index(predicted_label)))
        groups.append(ExampleGroup(ExampleKind.PAIR, count, pick(mask), true_label,
                                   predicted_label))
    if (~wrong).any():
        kind = ExampleKind.CORRECT if confidence is None else ExampleKind.CONFIDENT_CORRECT
        groups.append(ExampleGroup(kind, int((~wrong).sum()), pick(~wrong)))
    return groups


def comparison_for(first: Submission, second: Submission, scope: str | None) -> Comparison:
    """How the second submission's predictions differ from the first's: on every row
    without the labels, or, where the reader may see them, which way each change went."""
    a, solution = _predictions(first)
    b, _ = _predictions(second)
    if scope is None:
        return compare(a.classes, b.classes)
    rows = _rows(solution, scope)
    return compare(a.classes[rows], b.classes[rows], solution.targets[rows],
                   first.competition.labels)


@dataclass(frozen=True)
class Analytics:
    days: list[dict]  # {"day", "submissions", "participants"}
    scores: list[tuple]  # (created_at, public score), a sample of every scored entry
    hardest: list[tuple[str, float, int]]  # (label, mean recall, teams), hardest first


def analytics_for(competition: Competition) -> Analytics:
    """The organizer's view: activity per day, scores over time, and the classes that
    every team's best submission gets wrong most (all rows: organizers see everything)."""
    submissions = competition.submissions.of_competing_teams()
    days = list(submissions.annotate(day=TruncDate("created_at")).values("day").annotate(
        submissions=Count("id"), participants=Count("team", distinct=True)).order_by("day"))
    scored = submissions.counted()
    step = max(1, scored.count() // SCORES_SAMPLED)
    # Every step-th id: an even sample, taken by the database, not half a million rows.
    scores = list(scored.annotate(every=Mod("id", step)).filter(every=0)
                  .order_by("created_at", "id").values_list("created_at", "public_score"))
    return Analytics(days=days, scores=scores, hardest=_hardest_classes(competition))


def _hardest_classes(competition: Competition) -> list[tuple[str, float, int]]:
    recalls: dict[str, list[float]] = {label: [] for label in competition.labels}
    best = Submission.objects.select_related("competition").filter(
        pk__in=competition.standings.ranked().values("public_submission"))
    for submission in best:
        try:
            confusion = confusion_for(submission, "all")
        except NoPredictions:
            continue  # no file to compute it from
        for result in confusion.per_class():
            if result.recall is not None:
                recalls[result.label].append(result.recall)
    rows = [(label, sum(values) / len(values), len(values))
            for label, values in recalls.items() if values]
    return sorted(rows, key=lambda row: row[1])
