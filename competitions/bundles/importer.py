"""A bundle becomes a new competition, or nothing at all.

Everything is checked before anything is stored: the manifest's format and settings, every
listed file present with its checksum, the solution against the labels, the slug and the
dates. The files are then written through the storage API under names chosen first, and
the rows are created in one transaction; any failure removes those files again. If the
bundle carries scored submissions, each is scored against the new competition inside that
transaction, and a different score refuses the whole import.
"""

import hashlib
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from typing import BinaryIO

import yaml
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction

from scoring.problems import InvalidFile

from .. import policy
from ..models import Competition, DataFile, GalleryImage
from ..models.competition import PrivateBoardChoice
from ..services import parse_solution, solution_set
from ..storage import data_file_path, gallery_path, private_storage, solution_path
from ..submission_scoring import competition_scores
from .manifest import FORMAT, MANIFEST, REQUIRED_SETTINGS, SETTINGS, VERSION, BundleRefused

CHUNK = 1024 * 1024
# The stages an import reports through Hooks.progress.
CHECKING, WRITING, SCORING = "checking", "writing", "scoring"
# Files up to this size are copied in memory, larger ones through a temporary file.
SPOOL_BYTES = 16 * 1024 * 1024
# Scores compared to this many places: the same file and solution give the same float.
SCORE_PLACES = 12


@dataclass
class Imported:
    competition: Competition
    submissions_checked: int


@dataclass(frozen=True)
class Hooks:
    """What a background import (jobs.py) follows: `progress(stage, done, total)` between
    files, never inside the transaction (scoring is reported once, before it);
    `record_names(names)` before the first file is written (a run taking over from a
    worker that died deletes them); `on_created(competition, submissions_checked)` inside
    the transaction that creates it (an exception there rolls everything back)."""
    progress: Callable[[str, int, int], None] = lambda stage, done, total: None
    record_names: Callable[[list[str]], None] = lambda names: None
    on_created: Callable[[Competition, int], None] = lambda competition, checked: None


NO_HOOKS = Hooks()


def bundle_import(handle: BinaryIO, *, slug: str, start_at: datetime,
                  end_at: datetime | None, user=None, title: str = "",
                  hooks: Hooks = NO_HOOKS) -> Imported:
    """The new competition (unpublished: the publish checklist comes first), organized by
    `user`, titled `title` if given (the bundle's title if not); BundleRefused saying why,
    with nothing stored."""
    check_request(slug, start_at, end_at)
    with _opened(handle) as archive:
        manifest = _manifest(archive)
        settings = _settings(manifest)
        if title:
            settings["title"] = title
        solution = _solution(archive, manifest, settings["labels"])
        entries = _files(manifest)
        for done, entry in enumerate(entries):
            hooks.progress(CHECKING, done, len(entries))
            _verify(archive, entry)
        scored = _scored_submissions(manifest, solution)
        names = _storage_names(slug, manifest)
        hooks.record_names(list(names.values()))
        committed = []  # not empty once the rows are committed: their files then stay
        try:
            _write(archive, names, hooks)
            if scored:
                # Said before the transaction: a stage written inside it would stay unseen
                # (and the job's row locked) until the commit.
                hooks.progress(SCORING, 0, len(scored))
            with transaction.atomic():
                # Registered first, so it runs as soon as COMMIT returns: a time limit
                # striking later in atomic()'s exit must not delete the kept files.
                transaction.on_commit(lambda: committed.append(True))
                competition = _create(manifest, settings, slug, start_at, end_at, names,
                                      solution, user)
                checked = _check_scores(archive, scored, competition)
                hooks.on_created(competition, checked)
            committed.append(True)  # inside a caller's transaction, on_commit waits for it
        except IntegrityError:
            if committed:
                raise
            _delete(names)
            raise BundleRefused("slug_taken", slug=slug) from None
        except BaseException:
            if not committed:
                _delete(names)
            raise
    return Imported(competition=competition, submissions_checked=checked)


def bundle_precheck(handle: BinaryIO) -> dict:
    """The quick checks of an upload before it is queued (the zip's directory, the
    manifest and its settings; no file read whole): its manifest, or BundleRefused."""
    with _opened(handle) as archive:
        manifest = _manifest(archive)
        _settings(manifest)
        _files(manifest)
    return manifest


@contextmanager
def _opened(handle: BinaryIO) -> Iterator[zipfile.ZipFile]:
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise BundleRefused("not_a_zip") from None
    with archive:
        yield archive


def check_request(slug: str, start_at: datetime, end_at: datetime | None) -> None:
    try:
        validate_slug(slug)
    except ValidationError:
        raise BundleRefused("bad_slug", slug=slug) from None
    if Competition.objects.filter(slug=slug).exists():
        raise BundleRefused("slug_taken", slug=slug)
    if end_at is not None and end_at <= start_at:
        raise BundleRefused("bad_dates")


def _manifest(archive: zipfile.ZipFile) -> dict:
    try:
        raw = archive.read(MANIFEST)
    except KeyError:
        raise BundleRefused("no_manifest") from None
    except (zipfile.BadZipFile, OSError, ValueError):
        raise BundleRefused("damaged_file", name=MANIFEST) from None
    try:
        manifest = yaml.safe_load(raw.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise BundleRefused("bad_manifest", reason=str(error).splitlines()[0]) from None
    if not isinstance(manifest, dict):
        raise BundleRefused("bad_manifest", reason="not a mapping")
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BundleRefused("wrong_format", format=manifest.get("format"),
                            version=manifest.get("version"))
    for key in ("data_files", "gallery", "submissions"):
        if not isinstance(manifest.get(key) or [], list):
            raise BundleRefused("bad_manifest", reason=f"{key} is not a list")
    return manifest


def _settings(manifest: dict) -> dict:
    given = manifest.get("competition")
    if not isinstance(given, dict):
        raise BundleRefused("missing_setting", name="competition")
    for name in REQUIRED_SETTINGS:
        if name not in given:
            raise BundleRefused("missing_setting", name=name)
    settings = {name: given[name] for name in SETTINGS if name in given}
    if settings.get("private_leaderboard") == PrivateBoardChoice.SHOWN:
        # Revealed in the last run; the next run's private board waits for its own end.
        settings["private_leaderboard"] = PrivateBoardChoice.AUTO
    labels = settings["labels"]
    if (not isinstance(labels, list) or len(labels) < 2
            or not all(isinstance(label, str) and label for label in labels)
            or len(set(labels)) != len(labels)):
        raise BundleRefused("bad_setting", name="labels",
                            reason="at least two different labels")
    # The model's own validation says what else is wrong (a metric that does not exist,
    # a negative limit), field by field.
    probe = Competition(slug="probe", start_at=datetime(2000, 1, 1), **settings)
    try:
        probe.clean_fields(exclude=["slug", "start_at", "end_at", "solution_file"])
    except ValidationError as invalid:
        name, errors = next(iter(invalid.message_dict.items()))
        raise BundleRefused("bad_setting", name=name, reason=" ".join(errors)) from None
    return settings


def _files(manifest: dict) -> list[dict]:
    entries = [manifest["solution"]] if manifest.get("solution") else []
    entries += [*(manifest.get("data_files") or []), *(manifest.get("gallery") or []),
                *(manifest.get("submissions") or [])]
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            raise BundleRefused("bad_manifest", reason="a file without a path")
        path = PurePosixPath(entry["path"])
        if path.is_absolute() or ".." in path.parts or "\\" in entry["path"]:
            raise BundleRefused("unsafe_path", name=entry["path"])
    return entries


def _verify(archive: zipfile.ZipFile, entry: dict) -> None:
    digest = hashlib.sha256()
    try:
        with archive.open(entry["path"]) as source:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
    except KeyError:
        raise BundleRefused("missing_file", name=entry["path"]) from None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise BundleRefused("damaged_file", name=entry["path"]) from None
    if entry.get("sha256") and digest.hexdigest() != entry["sha256"]:
        raise BundleRefused("damaged_file", name=entry["path"])


def _solution(archive: zipfile.ZipFile, manifest: dict, labels: list[str]) -> bytes | None:
    entry = manifest.get("solution")
    if not entry:
        return None
    if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
        raise BundleRefused("bad_manifest", reason="solution without a path")
    _verify(archive, entry)
    content = archive.read(entry["path"])
    try:
        parse_solution(content, labels)
    except InvalidFile as invalid:
        raise BundleRefused("bad_solution", reason=invalid.problems[0].message()) from None
    return content


def _storage_names(slug: str, manifest: dict) -> dict[str, str]:
    """Where each bundled file goes (the solution is written by solution_set)."""
    competition = Competition(slug=slug)
    names = {}
    for entry in manifest.get("data_files") or []:
        names[entry["path"]] = data_file_path(DataFile(competition=competition),
                                              str(entry.get("name", "")))
    for entry in manifest.get("gallery") or []:
        names[entry["path"]] = gallery_path(GalleryImage(competition=competition), "")
    if manifest.get("solution"):
        names[manifest["solution"]["path"]] = solution_path(competition, "solution.csv")
    return names


def _write(archive: zipfile.ZipFile, names: dict[str, str], hooks: Hooks) -> None:
    storage = private_storage()
    for done, (path, name) in enumerate(names.items()):
        hooks.progress(WRITING, done, len(names))
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as copy:
            with archive.open(path) as source:
                while chunk := source.read(CHUNK):
                    copy.write(chunk)
            copy.seek(0)
            saved = storage.save(name, File(copy, name=name))
        if saved != name:  # a uuid name is never taken; if it were, the file is untracked
            storage.delete(saved)
            raise RuntimeError(f"storage renamed {name} to {saved}")


def _create(manifest: dict, settings: dict, slug: str, start_at: datetime,
            end_at: datetime | None, names: dict[str, str], solution: bytes | None,
            user) -> Competition:
    competition = Competition(slug=slug, start_at=start_at, end_at=end_at,
                              is_published=False, **settings)
    competition.set_visibility(competition.visibility)
    try:
        competition.full_clean(exclude=["solution_file"])
    except ValidationError as invalid:
        name, errors = next(iter(invalid.message_dict.items()))
        raise BundleRefused("bad_setting", name=name, reason=" ".join(errors)) from None
    competition.save()
    for order, entry in enumerate(manifest.get("data_files") or []):
        data_file = DataFile(competition=competition, name=str(entry.get("name", "")),
                             description=str(entry.get("description") or ""),
                             order=entry.get("order", order))
        data_file.file.name = names[entry["path"]]
        try:
            data_file.full_clean(exclude=["competition"])
        except ValidationError as invalid:
            raise BundleRefused("bad_setting", name=f"data_files: {data_file.name}",
                                reason=" ".join(sum(invalid.message_dict.values(), []))
                                ) from None
        data_file.save()
    GalleryImage.objects.bulk_create(
        GalleryImage(competition=competition, label=str(entry.get("label", "")),
                     order=entry.get("order", order), image=names[entry["path"]])
        for order, entry in enumerate(manifest.get("gallery") or []))
    if solution is not None:
        solution_set(competition=competition, content=solution,
                     name=names[manifest["solution"]["path"]])
    if user is not None:
        policy.make_organizer(user, competition)
    return competition


def _scored_submissions(manifest: dict, solution: bytes | None) -> list[dict]:
    """The bundled submissions to score again: the scored ones, if there is a solution."""
    if solution is None:
        return []
    return [entry for entry in manifest.get("submissions") or []
            if isinstance(entry, dict) and entry.get("status") == "scored"]


def _check_scores(archive: zipfile.ZipFile, entries: list[dict],
                  competition: Competition) -> int:
    """Score every bundled scored submission here: the same scores, or a refusal (which
    rolls the import back). No progress is reported from here: this runs inside the
    import's transaction."""
    for entry in entries:
        scores = competition_scores(competition, archive.read(entry["path"]))
        for side, new in (("public", scores.public), ("private", scores.private)):
            old = entry.get(f"{side}_score")
            if _rounded(old) != _rounded(new):
                raise BundleRefused("scores_differ", name=entry.get("original_name", ""),
                                    old=old, new=new)
    return len(entries)


def _rounded(value) -> float | None:
    return None if value is None else round(float(value), SCORE_PLACES)


def _delete(names: dict[str, str]) -> None:
    storage = private_storage()
    for name in names.values():
        storage.delete(name)
