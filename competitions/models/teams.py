"""Invitations into a team and requests to merge two teams (see competitions.teams for
the rules and the locks)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .entrants import Team


class Pending(models.TextChoices):
    PENDING = "pending", _("pending")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Answerable(models.Model):
    """What an invitation and a merge request share: a question that waits for one answer.
    The fields are defined once here and copied into each table (abstract: no table of its
    own), so both keep the columns they always had."""

    Status = Pending

    status = models.CharField(_("status"), max_length=10, choices=Pending.choices,
                              default=Pending.PENDING)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    def record_answer(self, status: str) -> None:
        """Record the answer (call it on a row locked with select_for_update, after checking
        that it is still pending: competitions.teams does)."""
        self.status = status
        self.answered_at = timezone.now()
        self.save(update_fields=["status", "answered_at"])


class TeamInvitation(Answerable):
    """A team asks a user (by username) to join it."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invitations",
                             verbose_name=_("team"))
    invitee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="team_invitations", verbose_name=_("invitee"))
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+", verbose_name=_("invited by"))

    class Meta(Answerable.Meta):
        constraints = [models.UniqueConstraint(
            fields=["team", "invitee"], condition=models.Q(status="pending"),
            name="one_pending_invitation_per_team_and_user")]
        verbose_name = _("team invitation")
        verbose_name_plural = _("team invitations")

    def __str__(self) -> str:
        return f"{self.invitee} → {self.team}"


class MergeRequest(Answerable):
    """One team asks another to take in all its members and submissions."""

    # Kept once the merge is done (the requesting team is gone then): the record of when
    # the two teams became one, under both teams' locks.
    from_team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True,
                                  related_name="merge_requests_sent",
                                  verbose_name=_("requesting team"))
    from_team_name = models.CharField(_("requesting team's name"), max_length=150)
    to_team = models.ForeignKey(Team, on_delete=models.CASCADE,
                                related_name="merge_requests_received",
                                verbose_name=_("target team"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, related_name="+",
                                     verbose_name=_("requested by"))

    class Meta(Answerable.Meta):
        constraints = [models.UniqueConstraint(
            fields=["from_team", "to_team"], condition=models.Q(status="pending"),
            name="one_pending_merge_request_per_pair")]
        verbose_name = _("merge request")
        verbose_name_plural = _("merge requests")

    def __str__(self) -> str:
        return f"{self.from_team_name} → {self.to_team}"
