"""The order of scores in the database, from the metric's direction (Metric.sort_key and
Metric.better are the same order in Python): best first, ties to the earlier entry."""

from django.db.models import F, Q

from scoring.metrics import Metric


def board_order(metric: Metric, board: str) -> list:
    """ORDER BY of a board's standings: the better score, the earlier entry, the lower id."""
    score = F(f"{board}_score")
    return [score.desc(nulls_last=True) if metric.higher_is_better
            else score.asc(nulls_last=True),
            F(f"{board}_at").asc(), F(f"{board}_submission_id").asc()]


def ahead_of(metric: Metric, board: str, standing) -> Q:
    """The standings that board_order puts before `standing`."""
    score, at, submission = (f"{board}_score", f"{board}_at", f"{board}_submission_id")
    better = "gt" if metric.higher_is_better else "lt"
    value = getattr(standing, score)
    return (Q(**{f"{score}__{better}": value})
            | Q(**{score: value, f"{at}__lt": getattr(standing, at)})
            | Q(**{score: value, at: getattr(standing, at),
                   f"{submission}__lt": getattr(standing, submission)}))
