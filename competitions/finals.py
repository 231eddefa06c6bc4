"""Final submissions: the ones that count for the private leaderboard.

Before the end each team marks up to the competition's number of finals; a team that
marks none has its best public submissions taken instead, as Kaggle does. The private
leaderboard ranks each team by the best private score among its finals (see Standing).
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import Competition, Participation, Standing, Submission, Team
from .models.standing import final_submissions
from .services import SubmissionRefused

FINALS_CLOSED = _("Final submissions can only be chosen while the competition is open.")
FINAL_NOT_SCORED = _("Only a scored submission made before the end can be final.")
NOT_YOURS = _("This submission is not one of your team's.")
FINALS_FULL = _("You have already marked %(limit)s final submissions: unmark one first.")


@dataclass(frozen=True)
class FinalChoice:
    limit: int
    counting: list[Submission]  # what counts for the private leaderboard, oldest first
    automatic: bool  # none marked: the best public submissions were taken
    can_change: bool

    @property
    def counting_ids(self) -> set[int]:
        return {submission.pk for submission in self.counting}


def final_choice(competition: Competition, participation: Participation) -> FinalChoice:
    """Which of the team's submissions count for the private leaderboard, and why."""
    ranked = list(Submission.objects.counted().filter(competition=competition,
                                                      team=participation.team_id))
    counting = sorted(final_submissions(competition, ranked),
                      key=lambda submission: (submission.created_at, submission.pk))
    return FinalChoice(limit=competition.final_submission_limit, counting=counting,
                       automatic=not any(submission.is_final for submission in ranked),
                       can_change=competition.accepts_final_choices())


def final_mark(*, submission: Submission, user, final: bool) -> Submission:
    """Mark (or unmark) one of the user's team's submissions as final.

    Raises SubmissionRefused when the competition has ended, the submission is not a
    scored one of this team, or the team already has as many finals as allowed.
    """
    competition = submission.competition
    if not competition.accepts_final_choices():
        raise SubmissionRefused(FINALS_CLOSED, "finals_closed")
    if not Participation.objects.filter(competition=competition, user=user,
                                        team=submission.team_id).exists():
        raise SubmissionRefused(NOT_YOURS, "not_yours")
    with transaction.atomic():
        # Marks of one team go one at a time, so that two at once cannot exceed the limit.
        Team.objects.select_for_update().get(pk=submission.team_id)
        submission.refresh_from_db()
        if final and not submission.counts:
            raise SubmissionRefused(FINAL_NOT_SCORED, "not_scored")
        if final and not submission.is_final:
            # Marks that a rescore has since failed do not count: they cannot be final.
            marked = Submission.objects.counted().filter(team=submission.team_id,
                                                         is_final=True).count()
            if marked >= competition.final_submission_limit:
                raise SubmissionRefused(
                    FINALS_FULL % {"limit": competition.final_submission_limit}, "finals_full")
        submission.is_final = final
        submission.save(update_fields=["is_final"])
        Standing.refresh(submission.team_id)
    return submission
