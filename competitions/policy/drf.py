"""The policy layer for the REST API: one base for views under a competition, and
permission classes that ask the policy (refusals become HTTP in policy.http)."""

from rest_framework import permissions

from ..models import Competition, Participation
from .competitions import competition_for, data_files_required, participation_required
from .people import organizer_required


class CompetitionScoped:
    """For views whose URL names a competition (`slug`): the competition this user may
    see, and their participation, each looked up once per request."""

    def get_competition(self) -> Competition:
        if not hasattr(self, "_competition"):
            self._competition = competition_for(self.request.user, self.kwargs["slug"])
        return self._competition

    def get_participation(self) -> Participation:
        if not hasattr(self, "_participation"):
            self._participation = participation_required(self.get_competition(),
                                                         self.request.user)
        return self._participation


class CompetitionVisible(permissions.BasePermission):
    """The competition exists for this user (else 404)."""

    def has_permission(self, request, view) -> bool:
        view.get_competition()
        return True


class IsParticipant(permissions.BasePermission):
    """Signed in and joined (else 401/403 "not_joined"); the competition visible first."""

    def has_permission(self, request, view) -> bool:
        view.get_participation()
        return True


class MayDownloadData(permissions.BasePermission):
    """Joined participants and the organizers (policy.data_files_required)."""

    def has_permission(self, request, view) -> bool:
        data_files_required(view.get_competition(), request.user)
        return True


class IsOrganizer(permissions.BasePermission):
    """One of the competition's organizers (else 403 "organizers_only")."""

    def has_permission(self, request, view) -> bool:
        organizer_required(request.user, view.get_competition())
        return True
