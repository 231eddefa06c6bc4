"""Who runs a competition. The one place that reads `is_staff` and `is_superuser`.

- Superusers see and manage everything.
- Organizers (Competition.organizers) and the host of a community competition see
  everything of that competition and manage it: in the admin (organizers, who are staff)
  or on the site (hosts). Nobody else has an "organizer of everything" shortcut.
- Staff status only opens the admin's door; what is behind it is scoped per competition.
"""

from django.db.models import Q, QuerySet

from ..models import Competition
from .errors import OrganizersOnly

_RUNNERS_CACHE = "_policy_runner_ids"


def is_superuser(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def may_use_admin(user) -> bool:
    """The admin's door: staff users (what they see there is scoped by `organizes`)."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def admin_users() -> QuerySet:
    """Who can be made an organizer in the admin: active staff users."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")


def runner_ids(competition: Competition) -> set[int]:
    """Organizers and host of the competition, read once per instance."""
    cached = getattr(competition, _RUNNERS_CACHE, None)
    if cached is None:
        cached = competition.runner_ids()
        setattr(competition, _RUNNERS_CACHE, cached)
    return cached


def forget_runners(competition: Competition) -> None:
    """After the organizers or the host changed."""
    if hasattr(competition, _RUNNERS_CACHE):
        delattr(competition, _RUNNERS_CACHE)


def runs(user, competition: Competition) -> bool:
    """The user runs the competition (one of its organizers, its host, or a superuser, who
    sees everything): their own entries are host previews, never ranked."""
    return is_superuser(user) or bool(user.is_authenticated
                                      and user.pk in runner_ids(competition))


def named_runner(user, competition: Competition) -> bool:
    """One of the competition's own organizers or its host; unlike `runs`, not a superuser
    as such, whose status others must not be able to find out (team invitations)."""
    return bool(user.is_authenticated and user.pk in runner_ids(competition))


def runners(competition: Competition) -> Q:
    """The users who run the competition, as a filter on users (see `runs`)."""
    return Q(pk__in=runner_ids(competition)) | Q(is_superuser=True, is_active=True)


def hosts(user, competition: Competition) -> bool:
    """The host of a community competition, who manages it on the site (the Host tab)."""
    return bool(user.is_authenticated and competition.host_id == user.pk)


def organizes(user, competition: Competition) -> bool:
    """May see and manage everything of this competition: private scores before the
    reveal, every submission and file, analytics, full insight."""
    return runs(user, competition)


def organized_competitions(user) -> QuerySet[Competition]:
    """The competitions this user organizes (all, for superusers)."""
    competitions = Competition.objects.all()
    if is_superuser(user):
        return competitions
    if not user.is_authenticated:
        return competitions.none()
    organized = Competition.organizers.through.objects.filter(user=user)
    return competitions.filter(Q(pk__in=organized.values("competition_id")) | Q(host=user))


def first_organizer(competition: Competition):
    """Whom an organizer's action is recorded as when nobody is named: the competition's
    first organizer, its host, else the first superuser."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.order_by("pk")
    return (competition.organizers.order_by("pk").first()
            or (competition.host if competition.host_id else None)
            or users.filter(is_superuser=True).first())


def make_superuser(user) -> None:
    """The demo's organizer: the admin's door and everything behind it."""
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])


def withdraw_every_role(user) -> None:
    """A deleted account: no admin door, no superuser powers (the caller saves the user)."""
    user.is_staff = user.is_superuser = False


def make_organizer(user, competition: Competition) -> None:
    """Give a user the admin's door and this competition (demo set-up, first organizer)."""
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    competition.organizers.add(user)
    forget_runners(competition)


def organizer_required(user, competition: Competition) -> None:
    if not organizes(user, competition):
        raise OrganizersOnly(competition=competition)


def bundle_export_required(user, competition: Competition) -> None:
    """A competition bundle holds the hidden solution and, optionally, every submission:
    only the competition's organizers (and superusers) export it."""
    organizer_required(user, competition)


def may_import_bundle(user) -> bool:
    """Importing makes a new, unpublished competition that the importer organizes: anyone
    with the admin's door, as for adding a competition there."""
    return may_use_admin(user)
