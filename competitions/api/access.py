"""Who may see and do what through the API: the same rules as the pages."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, PermissionDenied

from .. import selectors
from ..models import Competition, Participation
from ..services import NOT_JOINED


def competition_or_404(request, slug: str) -> Competition:
    competition = selectors.visible_competitions(request.user).filter(slug=slug).first()
    if competition is None:
        raise NotFound(_("No such competition."))
    return competition


def participation_or_403(request, competition: Competition) -> Participation:
    participation = selectors.participation_for(competition, request.user)
    if participation is None:
        raise PermissionDenied(NOT_JOINED, code="not_joined")
    return participation
