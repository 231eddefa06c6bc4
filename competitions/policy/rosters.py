"""Who may import a class roster into a competition: its organizers, in the admin."""

from ..models import Competition, Participation
from .competitions import visible_competitions
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


def roster_link_competition(user) -> Competition | None:
    """The competition a learner's one-time sign-in link names on its confirm page: the
    first one their account joined (only an account a roster made gets a link, joined
    to that roster's competition at once), if they may see it; else None."""
    first = (Participation.objects.filter(user=user).order_by("pk")
             .values_list("competition_id", flat=True).first())
    if first is None:
        return None
    return visible_competitions(user).filter(pk=first).first()
