from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .competition import Competition


class Team(models.Model):
    """Who is ranked: a team, of one member unless the competition allows more.

    Submissions and leaderboards refer to the team, so multi-member teams need no
    change there.
    """

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="teams",
                                    verbose_name=_("competition"))
    name = models.CharField(_("team name"), max_length=150)
    # A baseline (random, majority class, the starter kit…) posted by the organizer: shown
    # on the leaderboard with a badge for comparison, never ranked.
    is_baseline = models.BooleanField(_("baseline"), default=False)
    # A team of an organizer or the host trying their own competition: shown like a
    # baseline, never ranked and never on the private leaderboard.
    is_host_preview = models.BooleanField(_("host preview"), default=False)
    # The organizer's exception for this team, on top of the competition's daily limit.
    extra_daily_submissions = models.PositiveIntegerField(_("extra submissions per day"),
                                                          default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The secret of the team's invite link (competitions.teams): anyone signed in who has
    # it may join the team while it has room. Made on first need, replaced on request.
    invite_token = models.CharField(_("invite link token"), max_length=64, null=True,
                                    blank=True, unique=True, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["competition", "name"],
                                               name="unique_team_name")]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        # The leaderboard reads the name and the badge from the team's standing.
        from .standing import Standing  # standing.py imports this module

        Standing.objects.filter(team=self).update(team_name=self.name,
                                                  is_baseline=self.is_baseline,
                                                  is_host_preview=self.is_host_preview)

    @property
    def is_ranked(self) -> bool:
        return not (self.is_baseline or self.is_host_preview)


class Participation(models.Model):
    """A user joined a competition, accepted its rules, and entered as a team member."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE,
                                    related_name="participations", verbose_name=_("competition"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="participations", verbose_name=_("user"))
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="participations",
                             verbose_name=_("team"))
    accepted_rules_at = models.DateTimeField(_("accepted the rules at"))
    # The learner's own words for the report: approach, what worked, what did not.
    report_notes = models.TextField(_("notes for my report"), max_length=5000, blank=True)
    # Per competition: a learner may be in two courses with two numbers. Set by the class
    # roster (competitions/roster.py); shown to the organizer only (exports, admin).
    student_number = models.CharField(_("student number"), max_length=40, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["competition", "user"],
                                               name="one_participation_per_user")]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")

    def __str__(self) -> str:
        return f"{self.user} · {self.competition}"
