"""Stored private files: who may fetch one by its storage name (the admin's links)."""

from ..models import Competition, CompetitionBuild, DataFile, GalleryImage, Submission
from .errors import Hidden
from .people import is_superuser, organizes


def _competition_of(name: str) -> Competition | None:
    """The competition a stored file belongs to, from the rows that name it."""
    owners = ((DataFile, "file"), (GalleryImage, "image"), (Submission, "file"))
    for model, field in owners:
        row = model.objects.filter(**{field: name}).select_related("competition").first()
        if row is not None:
            return row.competition
    competition = Competition.objects.filter(solution_file=name).first()
    if competition is not None:
        return competition
    build = CompetitionBuild.objects.filter(upload=name).select_related("competition").first()
    return build.competition if build is not None else None


def private_file_required(user, name: str) -> None:
    """Organizers fetch the files of their own competitions; superusers any file; a file
    that belongs to no competition (a build's zip) is for superusers only."""
    if is_superuser(user):
        return
    competition = _competition_of(name)
    if competition is None or not organizes(user, competition):
        raise Hidden()
