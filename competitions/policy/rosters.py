"""Who may import a class roster into a competition: its organizers, in the admin."""

from ..models import Competition
from .errors import Hidden
from .people import may_use_admin, organizes


def roster_competition_for(user, pk) -> Competition:
    """The competition whose roster this user may import, or Hidden: an organizer of it
    (or a superuser) who may use the admin. A community host is no admin user: their
    learners join by invitation."""
    competition = Competition.objects.filter(pk=pk).first() if str(pk).isdecimal() else None
    if competition is None or not (may_use_admin(user) and organizes(user, competition)):
        raise Hidden()
    return competition
