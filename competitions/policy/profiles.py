"""What a person's public profile (/u/<username>/) shows a viewer.

Only competitions the viewer would find in their own list (public ones, and those they
joined or organize): a profile never reveals an unlisted or invitation-only competition,
and it shows public ranks only, never a private score.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from ..models import Competition, Participation
from .competitions import listed_competitions
from .errors import Hidden


def profile_for(username: str):
    """The person whose profile this is; Hidden for an unknown, inactive or deleted one."""
    person = (get_user_model().objects.filter(username=username, is_active=True)
              .exclude(profile__deleted_at__isnull=False).first())
    if person is None:
        raise Hidden()
    return person


def profile_entries(viewer, person) -> QuerySet[Participation]:
    """The person's entries in competitions the viewer may list, newest first."""
    return (Participation.objects.filter(user=person,
                                         competition__in=listed_competitions(viewer))
            .select_related("competition", "team").order_by("-competition__start_at"))


def profile_hosted(viewer, person) -> QuerySet[Competition]:
    """Competitions the person hosts or organizes (being a superuser is not hosting),
    among those the viewer may list."""
    organized = Q(host=person) | Q(organizers=person)
    return (listed_competitions(viewer).filter(pk__in=Competition.objects.filter(organized)
                                                .values("pk")).order_by("-start_at"))
