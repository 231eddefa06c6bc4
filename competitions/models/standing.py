"""Each team's place on the two leaderboards, kept as one row per team.

A leaderboard page reads these rows (one per team) instead of every submission, and a
new score changes only its own team's row: `Standing.refresh(team)` re-reads that team's
submissions, a few dozen, never the competition's hundreds of thousands.
"""

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from .competition import Competition
from .entrants import Team


class StandingQuerySet(models.QuerySet):
    def ranked(self) -> "StandingQuerySet":
        """Teams that compete: not the organizer's baselines, not host previews."""
        return self.filter(is_baseline=False, is_host_preview=False)

    def unranked(self) -> "StandingQuerySet":
        return self.exclude(is_baseline=False, is_host_preview=False)


class Board(models.TextChoices):
    """The two leaderboards: best public scores while the competition runs; best private
    scores of the final submissions once revealed."""

    PUBLIC = "public", _("Public leaderboard")
    PRIVATE = "private", _("Private leaderboard")


class Standing(models.Model):
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE,
                                    related_name="standings", verbose_name=_("competition"))
    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="standing",
                                verbose_name=_("team"))
    # Copied from the team so that the ranking query never joins.
    team_name = models.CharField(_("team name"), max_length=150)
    is_baseline = models.BooleanField(_("baseline"), default=False)
    is_host_preview = models.BooleanField(_("host preview"), default=False)
    # Scored submissions made before the end (late ones are never ranked).
    entries = models.PositiveIntegerField(_("scored entries"), default=0)
    public_score = models.FloatField(_("best public score"), null=True)
    public_at = models.DateTimeField(_("best public entry at"), null=True)
    public_submission = models.ForeignKey(
        "Submission", on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("best public submission"))
    # The best private score among the final submissions (marked, or chosen automatically).
    private_score = models.FloatField(_("best private score of the finals"), null=True)
    private_at = models.DateTimeField(_("best private entry at"), null=True)
    private_submission = models.ForeignKey(
        "Submission", on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("best private submission"))
    finals_marked = models.BooleanField(_("final submissions marked by the team"),
                                        default=False)

    objects = StandingQuerySet.as_manager()

    class Meta:
        # No index on the scores: the order's direction depends on the metric, and sorting
        # 10,000 standings takes PostgreSQL about 10 ms (bench/leaderboard_scale.py).
        verbose_name = _("standing")
        verbose_name_plural = _("standings")

    def __str__(self) -> str:
        return f"{self.team_name} · {self.competition_id}"

    @classmethod
    def refresh(cls, team_id: int) -> None:
        """Recompute one team's row from its own submissions."""
        from .submission import Submission

        with transaction.atomic():
            # Two workers finishing two submissions of one team take turns here, so the
            # second one reads both scores and the last write is the complete one.
            # Only the team's row ("self"): locking the joined competition too would make
            # every score of the competition wait for every other.
            team = (Team.objects.select_for_update(of=("self",))
                    .select_related("competition").filter(pk=team_id).first())
            if team is None:
                return  # deleted with its competition
            competition = team.competition
            ranked = list(Submission.objects.counted().filter(team=team).only(
                "id", "public_score", "private_score", "created_at", "is_final"))
            if not ranked:
                cls.objects.filter(team=team).delete()
                return
            best_public = min(ranked, key=lambda s: _order_key(competition, s.public_score, s))
            finals = final_submissions(competition, ranked)
            with_private = [s for s in finals if s.private_score is not None]
            best_private = (min(with_private, key=lambda s: _order_key(
                competition, s.private_score, s)) if with_private else None)
            cls.objects.update_or_create(team=team, defaults={
                "competition": competition, "team_name": team.name,
                "is_baseline": team.is_baseline, "is_host_preview": team.is_host_preview,
                "entries": len(ranked),
                "public_score": best_public.public_score, "public_at": best_public.created_at,
                "public_submission": best_public,
                "private_score": best_private.private_score if best_private else None,
                "private_at": best_private.created_at if best_private else None,
                "private_submission": best_private,
                "finals_marked": any(s.is_final for s in ranked),
            })

    @classmethod
    def rebuild(cls, competition: Competition) -> None:
        """Every team's row again: after a change that touches all of them (the metric,
        the number of finals, a rescore of everything)."""
        for team_id in competition.teams.values_list("id", flat=True):
            cls.refresh(team_id)


def final_submissions(competition: Competition, ranked: list) -> list:
    """The submissions that count for the private leaderboard: those the team marked, or,
    if it marked none, its best public ones (as Kaggle does), up to the competition's
    number of finals. `ranked` is the team's scored, non-late submissions."""
    marked = [s for s in ranked if s.is_final]
    if marked:
        # The admin keeps the limit above what teams marked; should it be lowered by other
        # means, the earliest marks count.
        return sorted(marked, key=lambda s: (s.created_at, s.pk))[
            :competition.final_submission_limit]
    by_public = sorted(ranked, key=lambda s: _order_key(competition, s.public_score, s))
    return by_public[:competition.final_submission_limit]


def _order_key(competition: Competition, score: float, submission) -> tuple:
    """Best first: the better score, then the earlier submission."""
    return (competition.metric_info.sort_key(score), submission.created_at, submission.pk)
