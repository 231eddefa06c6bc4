"""Which competitions a user may open, list, and take part in."""

from django.db.models import Q, QuerySet

from ..models import BundleImport, Competition, CompetitionBuild, Participation, Visibility
from .errors import Hidden, NotJoined, SignInRequired
from .people import is_superuser, organized_competitions


def visible_competitions(user) -> QuerySet[Competition]:
    """What this user may open. Unpublished competitions are for their organizers;
    invitation-only ones for their organizers and the participants who joined through
    the invitation (to everyone else they do not exist)."""
    competitions = Competition.objects.all()
    if is_superuser(user):
        return competitions
    shown = Q(is_published=True) & ~Q(visibility=Visibility.INVITE)
    if user.is_authenticated:
        shown |= (Q(pk__in=organized_competitions(user).values("pk"))
                  | Q(is_published=True, pk__in=_joined(user)))
    return competitions.filter(shown)


def listed_competitions(user) -> QuerySet[Competition]:
    """What the competition list shows this user: the public ones, and those they
    organize or joined (unlisted and invitation-only ones are reached by their link)."""
    competitions = visible_competitions(user)
    if is_superuser(user):
        return competitions
    listed = Q(visibility=Visibility.PUBLIC)
    if user.is_authenticated:
        listed |= (Q(pk__in=organized_competitions(user).values("pk"))
                   | Q(pk__in=_joined(user)))
    return competitions.filter(listed)


def _joined(user) -> QuerySet:
    return Participation.objects.filter(user=user).values("competition_id")


def competition_for(user, slug: str) -> Competition:
    """The competition if this user may see it; Hidden otherwise."""
    competition = visible_competitions(user).filter(slug=slug).first()
    if competition is None:
        raise Hidden()
    return competition


def hosted_competition_for(user, slug: str) -> Competition:
    """A community competition its host manages on the site (organizer-run competitions
    are managed in the admin); Hidden for anyone else."""
    competition = (Competition.objects.filter(slug=slug, host=user).first()
                   if user.is_authenticated else None)
    if competition is None:
        raise Hidden()
    return competition


def invited_competition(code: str) -> Competition:
    """The invitation-only competition of an invite code; Hidden for a wrong or old code."""
    code = code.strip().upper()
    competition = (Competition.objects.filter(invite_code=code, is_published=True,
                                              visibility=Visibility.INVITE).first()
                   if code else None)
    if competition is None:
        raise Hidden()
    return competition


def build_for(user, build_id: int) -> CompetitionBuild:
    """A build its host follows; Hidden for anyone else."""
    build = (CompetitionBuild.objects.filter(pk=build_id, host=user).first()
             if user.is_authenticated else None)
    if build is None:
        raise Hidden()
    return build


def admin_builds(user, builds: QuerySet | None = None) -> QuerySet[CompetitionBuild]:
    """The builds a user follows in the admin: those they started there, and those of
    the competitions they organize (all, for superusers)."""
    from .people import may_use_admin

    builds = CompetitionBuild.objects.all() if builds is None else builds
    if is_superuser(user):
        return builds
    if not may_use_admin(user):
        return builds.none()
    return builds.filter(Q(host=user, organizer_run=True)
                         | Q(competition__in=organized_competitions(user)))


def admin_build_for(user, build_id: int) -> CompetitionBuild:
    """A build followed in the admin (see admin_builds); Hidden for anyone else."""
    build = admin_builds(user).filter(pk=build_id).first()
    if build is None:
        raise Hidden()
    return build


def admin_competition_for(user, competition_id) -> Competition:
    """A competition this user organizes, for the admin's own pages (export, publish);
    Hidden for anyone else, as the admin hides the rows of others."""
    from .people import may_use_admin

    competition = (organized_competitions(user).filter(pk=competition_id).first()
                   if may_use_admin(user) and str(competition_id).isdecimal() else None)
    if competition is None:
        raise Hidden()
    return competition


def admin_bundle_imports(user) -> QuerySet[BundleImport]:
    """The bundle imports a user follows in the admin: those they started (all, for
    superusers). The competition being copied is not enough: an import is its requester's."""
    from .people import may_use_admin

    imports = BundleImport.objects.all()
    if is_superuser(user):
        return imports
    if not may_use_admin(user):
        return imports.none()
    return imports.filter(requested_by=user)


def admin_bundle_import_for(user, import_id: int) -> BundleImport:
    """A bundle import followed in the admin (see admin_bundle_imports); Hidden otherwise."""
    job = admin_bundle_imports(user).filter(pk=import_id).first()
    if job is None:
        raise Hidden()
    return job


def rerun_source_for(user, competition_id) -> Competition:
    """A competition to run again: copying it exports its hidden solution, so only its
    organizers (and superusers); Hidden for anyone else, as on its admin page."""
    from .people import bundle_export_required, may_import_bundle

    competition = admin_competition_for(user, competition_id)
    bundle_export_required(user, competition)
    if not may_import_bundle(user):
        raise Hidden()
    return competition


def participation_for(competition: Competition, user) -> Participation | None:
    if not user.is_authenticated:
        return None
    return (Participation.objects.filter(competition=competition, user=user)
            .select_related("team").first())


def participation_required(competition: Competition, user) -> Participation:
    """The user's participation; SignInRequired or NotJoined otherwise."""
    if not user.is_authenticated:
        raise SignInRequired(competition=competition)
    participation = participation_for(competition, user)
    if participation is None:
        raise NotJoined(competition=competition)
    return participation


def data_files_required(competition: Competition, user) -> None:
    """Data files are for joined participants and the competition's organizers."""
    from .people import organizes

    if not organizes(user, competition):
        participation_required(competition, user)
