"""A competition as one zip: `kompe.yaml`, the hidden solution, the data files, the
gallery and, if asked, the submissions with their scores. Every file is read through
Django's storage API (object storage works the same)."""

import hashlib
import zipfile
from enum import Enum
from typing import BinaryIO

import yaml
from django.utils import timezone

from ..models import Competition, Submission
from .manifest import FORMAT, MANIFEST, SETTINGS, SOLUTION, VERSION

CHUNK = 1024 * 1024


def bundle_export(competition: Competition, handle: BinaryIO, *,
                  with_submissions: bool = False) -> dict:
    """Write the bundle into `handle` (a file opened for writing); its manifest. The
    caller has asked the policy (policy.bundle_export_required)."""
    manifest = {
        "format": FORMAT, "version": VERSION,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "source": {"slug": competition.slug, "start_at": _iso(competition.start_at),
                   "end_at": _iso(competition.end_at)},
        "competition": {name: _plain(getattr(competition, name)) for name in SETTINGS},
        "solution": None, "data_files": [], "gallery": [], "submissions": [],
    }
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        if competition.has_solution:
            manifest["solution"] = {"path": SOLUTION,
                                    "sha256": _copy(competition.solution_file, archive,
                                                    SOLUTION)}
        for number, data_file in enumerate(competition.data_files.all()):
            path = f"data/{number:03d}-{data_file.name}"
            manifest["data_files"].append({
                "name": data_file.name, "description": data_file.description,
                "order": data_file.order, "path": path,
                "sha256": _copy(data_file.file, archive, path)})
        for number, image in enumerate(competition.gallery_images.all()):
            path = f"gallery/{number:04d}.png"
            manifest["gallery"].append({"label": image.label, "order": image.order,
                                        "path": path,
                                        "sha256": _copy(image.image, archive, path)})
        if with_submissions:
            for submission in _exported_submissions(competition):
                path = f"submissions/{submission.pk}.csv"
                manifest["submissions"].append({
                    "path": path, "original_name": submission.original_name,
                    "team": submission.team.name,
                    "submitted_by": getattr(submission.submitted_by, "username", ""),
                    "created_at": _iso(submission.created_at), "status": submission.status,
                    "public_score": submission.public_score,
                    "private_score": submission.private_score,
                    "sha256": _copy(submission.file, archive, path)})
        archive.writestr(MANIFEST, yaml.safe_dump(manifest, allow_unicode=True,
                                                  sort_keys=False))
    return manifest


def _exported_submissions(competition: Competition):
    return (Submission.objects.filter(competition=competition).exclude(file="")
            .select_related("team", "submitted_by").order_by("pk"))


def _copy(field_file, archive: zipfile.ZipFile, path: str) -> str:
    digest = hashlib.sha256()
    with field_file.storage.open(field_file.name, "rb") as source, \
            archive.open(path, "w", force_zip64=True) as target:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            target.write(chunk)
    return digest.hexdigest()


def _plain(value):
    """A choice as its value: a competition not yet reloaded holds the enum member, which
    the YAML safe dumper refuses."""
    return value.value if isinstance(value, Enum) else value


def _iso(value) -> str | None:
    return value.isoformat() if value else None

