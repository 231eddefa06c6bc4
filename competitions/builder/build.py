"""From a zip of labelled images to the files of a competition, in a scratch folder.

No database here: `build_dataset` reads the zip (archive.py), finds the classes
(layout.py), cleans every image (images.py), drops duplicates, splits (splits.py) and
writes train.zip, test.zip, train.csv, labels.csv, sample_submission.csv, the hidden
solution and the gallery's thumbnails. `publish.py` turns the result into a competition.
"""

import csv
import io
import random
import secrets
import time
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from scoring.solution import Usage

from .archive import Archive
from .images import clean_image, output_format, thumbnail_png
from .layout import TEST, TRAIN, Inventory, inventory
from .limits import Limits
from .refusals import BuildRefused, quote
from .sizes import size_leak, size_range
from .splits import Split, public_quotas, stratified_split

GALLERY_PER_CLASS = 6
TEST_ID_HEX_CHARS = 16
# A fixed timestamp: a member's time must not tell when (or in which order) it was added.
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)
# How often the progress is reported, in images.
PROGRESS_EVERY = 20
DATA_FILES = ("train.zip", "test.zip", "train.csv", "labels.csv", "sample_submission.csv")


@dataclass(frozen=True)
class BuildOptions:
    test_fraction: float = 0.2
    public_fraction: float = 0.3
    max_side: int | None = None
    fixed_side: int | None = None  # every image cropped to this square; wins over max_side
    seed: int | None = None
    # With train/ + val|test/ folders: keep them as the train and test sets (True), or
    # merge them and split anew (False). Ignored for the other layouts.
    keep_split: bool = False


@dataclass(frozen=True)
class Deadline:
    """When a build must stop, checked between images and files: it works on every Celery
    pool (the threads pool ignores time limits) and in the command."""
    seconds: int
    at: float  # time.monotonic()

    @classmethod
    def after(cls, seconds: int) -> "Deadline":
        return cls(seconds=seconds, at=time.monotonic() + seconds)

    def check(self) -> None:
        if time.monotonic() > self.at:
            raise BuildRefused("too_slow", seconds=self.seconds)


NO_DEADLINE = Deadline(seconds=0, at=float("inf"))


@dataclass
class Progress:
    stage: str = "reading"  # reading → images → writing
    files_total: int = 0
    files_read: int = 0
    images_total: int = 0
    images_done: int = 0


@dataclass(frozen=True)
class Item:
    """One distinct image after cleaning, stored in the scratch folder."""
    source: str  # its name in the uploaded zip (the host sees it; participants never do)
    label: str
    path: Path
    digest: str
    width: int = 0
    height: int = 0


@dataclass
class Dataset:
    labels: list[str]
    folder: Path
    files: dict[str, Path]  # the DATA_FILES and solution.csv
    thumbnails: list[tuple[str, bytes]]  # (label, png), the gallery in order
    report: dict = field(default_factory=dict)

    @property
    def solution(self) -> bytes:
        return self.files["solution.csv"].read_bytes()


def build_dataset(handle: BinaryIO, *, folder: Path, options: BuildOptions, limits: Limits,
                  display_name: str = "zip",
                  progress: Callable[[Progress], None] = lambda progress: None,
                  deadline: Deadline = NO_DEADLINE) -> Dataset:
    """The competition's files in `folder` (which the caller removes); BuildRefused
    saying why when the zip cannot become a competition (too_slow past `deadline`)."""
    state = Progress()
    progress(state)
    with Archive(handle, limits, display_name) as archive:
        found = inventory(archive, limits)
        state.files_total = len(archive.members)
        state.images_total = len(found.images)
        state.stage = "images"
        progress(state)
        items = _clean_all(archive, found, folder, options, limits, state, progress,
                           deadline)
    state.stage = "writing"
    progress(state)
    distinct, duplicates, conflicts = _deduplicate(items)
    by_label: dict[str, list[Item]] = {label: [] for label in found.labels}
    for item in distinct:
        by_label[item.label].append(item)
    _check_class_sizes(by_label, limits)
    rng = random.Random(options.seed if options.seed is not None else secrets.randbits(64))
    keep = found.has_split and options.keep_split
    if keep:
        split = kept_split(by_label, {image.member.name: image.part for image in found.images},
                           public_fraction=options.public_fraction, rng=rng)
    else:
        split = stratified_split(by_label, test_fraction=options.test_fraction,
                                 public_fraction=options.public_fraction, rng=rng)
    dataset = _write(folder, found.labels, split, items[0].path.suffix, deadline)
    dataset.report = _report(found, split, duplicates, conflicts, items[0].path.suffix)
    dataset.report["split"] = "kept" if keep else "merged" if found.has_split else "made"
    return dataset


def kept_split(by_label: dict[str, list[Item]], parts: dict[str, str], *,
               public_fraction: float, rng: random.Random) -> Split[Item]:
    """The host's own train and test sets; only the test set's Public/Private split is
    made here, stratified like any other."""
    train: dict[str, list[Item]] = {}
    test: dict[str, list[Item]] = {}
    for label, items in by_label.items():
        train[label] = [item for item in items if parts[item.source] == TRAIN]
        test[label] = [item for item in items if parts[item.source] == TEST]
        for part, chosen in ((TRAIN, train[label]), (TEST, test[label])):
            if not chosen:
                raise BuildRefused("split_class_missing", label=quote(label),
                                   part="train" if part == TRAIN else "val/test")
        test[label].sort(key=lambda item: item.source)
        rng.shuffle(test[label])
    quotas = public_quotas({label: len(items) for label, items in test.items()},
                           public_fraction, rng)
    return Split(train=train,
                 public={label: items[:quotas[label]] for label, items in test.items()},
                 private={label: items[quotas[label]:] for label, items in test.items()})


def _clean_all(archive: Archive, found: Inventory, folder: Path, options: BuildOptions,
               limits: Limits, state: Progress, progress, deadline: Deadline) -> list[Item]:
    fmt = output_format([image.member.name for image in found.images])
    suffix = ".jpg" if fmt == "jpeg" else ".png"
    images_folder = folder / "images"
    images_folder.mkdir()
    items = []
    for index, image in enumerate(found.images):
        deadline.check()
        data = archive.read(image.member)
        state.files_read += 1
        clean = clean_image(data, image.member.name, max_pixels=limits.max_image_pixels,
                            max_side=options.max_side, fixed_side=options.fixed_side,
                            fmt=fmt)
        path = images_folder / f"{index}{suffix}"
        path.write_bytes(clean.data)
        items.append(Item(source=image.member.name, label=image.label, path=path,
                          digest=clean.digest, width=clean.width, height=clean.height))
        state.images_done += 1
        if state.images_done % PROGRESS_EVERY == 0:
            progress(state)
    state.files_read = state.files_total
    return items


def _deduplicate(items: list[Item]) -> tuple[list[Item], list[list[str]], list[list[str]]]:
    """One image of each group of identical pictures: copies on both sides of the split
    would give the test label away. A picture filed under two classes is left out
    altogether (no class is right for it) and reported, for the host to decide."""
    groups: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        groups[item.digest].append(item)
    distinct, duplicates, conflicts = [], [], []
    for group in groups.values():
        names = sorted(item.source for item in group)
        if len({item.label for item in group}) > 1:
            conflicts.append(names)
            continue
        distinct.append(min(group, key=lambda item: item.source))
        if len(group) > 1:
            duplicates.append(names)
    return distinct, duplicates, conflicts


def _check_class_sizes(by_label: dict[str, list[Item]], limits: Limits) -> None:
    small = [(label, len(items)) for label, items in by_label.items()
             if len(items) < max(2, limits.min_images_per_class)]
    if small:
        raise BuildRefused("class_too_small", minimum=max(2, limits.min_images_per_class),
                           classes=", ".join(f"“{quote(label)}” ({count})"
                                             for label, count in small))


def _write(folder: Path, labels: list[str], split, suffix: str,
           deadline: Deadline = NO_DEADLINE) -> Dataset:
    # Training images are numbered in class order; the names tell nothing the labels in
    # train.csv do not.
    train = [(f"train_{number:05d}{suffix}", label, item) for number, (label, item) in
             enumerate(((label, item) for label in labels
                        for item in sorted(split.train[label], key=lambda i: i.source)),
                       start=1)]
    used: set[str] = set()
    test = sorted(((_opaque_id(used, suffix), label, usage, item)
                   for usage, part in ((Usage.PUBLIC, split.public),
                                       (Usage.PRIVATE, split.private))
                   for label in labels for item in part[label]), key=lambda row: row[0])
    files = {
        "train.zip": _zip(folder / "train.zip", [(id_, item.path) for id_, _, item in train],
                          deadline),
        "test.zip": _zip(folder / "test.zip", [(id_, item.path) for id_, _, _, item in test],
                         deadline),
        "train.csv": _csv(folder / "train.csv", ["id", "label"],
                          [(id_, label) for id_, label, _ in train]),
        "labels.csv": _csv(folder / "labels.csv", ["label"], [(label,) for label in labels]),
        # Every row the first class: valid, and it tells nothing.
        "sample_submission.csv": _csv(folder / "sample_submission.csv", ["id", "label"],
                                      [(id_, labels[0]) for id_, *_ in test]),
        "solution.csv": _csv(folder / "solution.csv", ["id", "label", "usage"],
                             [(id_, label, usage) for id_, label, usage, _ in test]),
    }
    shown: dict[str, int] = defaultdict(int)
    thumbnails = []
    for _, label, item in train:
        if shown[label] < GALLERY_PER_CLASS:
            deadline.check()
            shown[label] += 1
            thumbnails.append((label, thumbnail_png(item.path.read_bytes())))
    return Dataset(labels=labels, folder=folder, files=files, thumbnails=thumbnails)


def _opaque_id(used: set[str], suffix: str) -> str:
    while True:
        candidate = secrets.token_hex(TEST_ID_HEX_CHARS // 2) + suffix
        if candidate not in used:
            used.add(candidate)
            return candidate


def _zip(path: Path, members: list[tuple[str, Path]], deadline: Deadline) -> Path:
    # Stored, not deflated: JPEG and PNG are compressed already.
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name, source in members:
            deadline.check()
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            info.external_attr = 0o644 << 16
            archive.writestr(info, source.read_bytes())
    return path


def _csv(path: Path, header: list[str], rows) -> Path:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(text.getvalue(), encoding="utf-8")
    return path


def _report(found: Inventory, split, duplicates, conflicts, suffix: str) -> dict:
    """What the host sees on the build page (never shown to participants: the test counts
    per class and the source names would tell too much)."""
    return {
        "classes": [{"label": label, "train": len(split.train[label]),
                     "public": len(split.public[label]), "private": len(split.private[label]),
                     "sizes": size_range(split.train[label] + split.public[label]
                                         + split.private[label])}
                    for label in found.labels],
        "size_leak": size_leak(split),
        "images": len(found.images),
        "format": "JPEG" if suffix == ".jpg" else "PNG",
        "duplicates": duplicates,
        "conflicts": conflicts,
        "skipped": found.skipped,
        "not_images": found.not_images,
        "not_listed": found.not_listed,
    }
