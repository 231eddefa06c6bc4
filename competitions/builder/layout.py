"""Which image belongs to which class: one folder per class, or a labels.csv.

Folder layout: `dangomushi/001.jpg`, `ダンゴムシ/a.png`; a folder around all of them
(`my-research/dangomushi/…`) is fine, folders inside a class folder are not.
Split layout (PyTorch's ImageFolder tutorials): `train/<class>/…` beside `val/<class>/…`
or `test/<class>/…`; each image then carries its part ("train" or "test": val and test
both become the test set), which the build keeps or merges as the host chooses.
CSV layout: images anywhere and a `labels.csv` with the header `file,label` (`id,label`,
the platform's own train.csv, works too) whose file column is the path from the CSV's
folder, or just the file name when that is unique.
"""

import csv
import io
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.template.defaultfilters import filesizeformat

from .archive import Archive, Member
from .images import companion_kind, is_image_name
from .limits import MAX_LABELS_CSV_BYTES, Limits
from .refusals import BuildRefused, quote

LABELS_CSV = "labels.csv"
FILE_COLUMNS = {"file", "filename", "file_name", "id", "image", "path"}
MISSING_EXAMPLES = 3
# Controls, format characters (bidi overrides that reverse how a label reads, zero-width
# spaces that make two labels look alike) and line and paragraph separators.
INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}
# A cell starting so is a formula to Excel, which participants open train.csv with.
FORMULA_STARTS = ("=", "+", "-", "@", "\t")


# Folder names of the split layout: the training part, and the parts that become the
# test set (case-insensitive).
TRAIN_PARTS = {"train", "training"}
TEST_PARTS = {"val", "valid", "validation", "test", "testing"}
TRAIN, TEST = "train", "test"


@dataclass(frozen=True)
class LabelledImage:
    member: Member
    label: str
    part: str = ""  # TRAIN or TEST in the split layout, "" otherwise


@dataclass
class Inventory:
    images: list[LabelledImage]
    labels: list[str]
    skipped: list[str] = field(default_factory=list)  # clutter and folders' stray files
    not_listed: list[str] = field(default_factory=list)  # images labels.csv does not name
    # A phone export's videos, edit files and RAW files, skipped: kind → names.
    not_images: dict[str, list[str]] = field(default_factory=dict)
    # The zip came as train/<class> + val|test/<class>: every image has its part.
    has_split: bool = False


def inventory(archive: Archive, limits: Limits) -> Inventory:
    """Every image with its label, and the ordered labels; refusals for the rest."""
    csv_members = sorted((m for m in archive.members if m.basename.lower() == LABELS_CSV),
                         key=lambda m: (m.name.count("/"), m.name))
    others, not_images = [], defaultdict(list)
    for member in archive.members:
        if member.basename.lower() == LABELS_CSV:
            continue
        if is_image_name(member.name):
            others.append(member)
        elif kind := companion_kind(member.name):
            not_images[kind].append(member.name)
        else:
            raise BuildRefused("not_an_image", name=quote(member.name))
    if not others:
        raise BuildRefused("no_images")
    if csv_members:
        skipped = {name for names in not_images.values() for name in names}
        result = _from_labels_csv(archive, csv_members[0], others, limits, skipped)
    else:
        result = _from_folders(others, limits)
    result.skipped = list(archive.skipped)
    result.not_images = {kind: sorted(names) for kind, names in sorted(not_images.items())}
    labels = sorted({image.label for image in result.images})
    if len(labels) > limits.max_classes:
        raise BuildRefused("too_many_classes", count=len(labels), limit=limits.max_classes)
    if len(labels) == 1:
        raise BuildRefused("single_class", label=quote(labels[0]))
    result.labels = labels
    return result


def _from_folders(members: list[Member], limits: Limits) -> Inventory:
    folders = [PurePosixPath(member.name).parts[:-1] for member in members]
    # Folders around every class folder are not classes: skip those all paths share, but
    # always keep one level for the class.
    depth = 0
    shallowest = min(len(parts) for parts in folders)
    while depth < shallowest - 1 and len({parts[depth] for parts in folders}) == 1:
        depth += 1
    split = _split_layout(folders, depth)
    if split:
        return split_inventory(members, folders, depth, limits)
    images = []
    for member, parts in zip(members, folders, strict=True):
        if len(parts) <= depth:
            raise BuildRefused("outside_class_folder", name=quote(member.name))
        if len(parts) > depth + 1:
            # train/cat/1.jpg beside test/cat/2.jpg would make classes "train" and "test";
            # dangomushi/day1/1.jpg, a class "dangomushi" holding what may be two.
            raise BuildRefused("nested_folders", name=quote(member.name),
                               folder=quote(parts[depth]))
        images.append(LabelledImage(member, clean_label(parts[depth], member.name, limits)))
    return Inventory(images=images, labels=[])


def _split_layout(folders: list[tuple[str, ...]], depth: int) -> bool:
    """Whether the first folders below the common ones are train/ and val/ or test/."""
    if any(len(parts) <= depth for parts in folders):
        return False
    names = {parts[depth].lower() for parts in folders}
    return (bool(names & TRAIN_PARTS) and bool(names & TEST_PARTS)
            and names <= TRAIN_PARTS | TEST_PARTS)


def split_inventory(members: list[Member], folders: list[tuple[str, ...]], depth: int,
                    limits: Limits) -> Inventory:
    """train/<class>/<image> and val|test/<class>/<image>, nothing deeper or shallower."""
    images = []
    for member, parts in zip(members, folders, strict=True):
        if len(parts) != depth + 2:
            raise BuildRefused("split_layout", name=quote(member.name),
                               folder=quote(parts[depth]))
        part = TRAIN if parts[depth].lower() in TRAIN_PARTS else TEST
        images.append(LabelledImage(member, clean_label(parts[depth + 1], member.name, limits),
                                    part))
    return Inventory(images=images, labels=[], has_split=True)


def _from_labels_csv(archive: Archive, csv_member: Member, members: list[Member],
                     limits: Limits, skipped: set[str] = frozenset()) -> Inventory:
    """`skipped`: the zip's non-images (videos, RAW files); rows naming them are left out,
    as the files are."""
    if csv_member.size > MAX_LABELS_CSV_BYTES:
        raise BuildRefused("labels_csv_too_large", limit=filesizeformat(MAX_LABELS_CSV_BYTES))
    root = str(PurePosixPath(csv_member.name).parent)
    prefix = "" if root == "." else root + "/"
    by_path = {m.name[len(prefix):]: m for m in members if m.name.startswith(prefix)}
    by_basename: dict[str, list[Member]] = defaultdict(list)
    for member in by_path.values():
        by_basename[member.basename].append(member)
    labelled: dict[str, LabelledImage] = {}
    missing: list[str] = []
    for line, name, label in _csv_rows(archive.read(csv_member)):
        path = unicodedata.normalize("NFC", name.strip().replace("\\", "/")).removeprefix("./")
        member = by_path.get(path)
        if member is None and len(by_basename.get(PurePosixPath(path).name, [])) == 1:
            member = by_basename[PurePosixPath(path).name][0]
        if member is None:
            if prefix + path not in skipped and path not in skipped:
                missing.append(path)
            continue
        label = clean_label(label, f"{LABELS_CSV}:{line}", limits)
        earlier = labelled.get(member.name)
        if earlier is not None and earlier.label != label:
            raise BuildRefused("labels_csv_twice", line=line, name=quote(path))
        labelled[member.name] = LabelledImage(member, label)
    if missing:
        raise BuildRefused("labels_csv_missing", count=len(missing), examples=", ".join(
            quote(name) for name in missing[:MISSING_EXAMPLES]))
    not_listed = sorted(m.name for m in members if m.name not in labelled)
    return Inventory(images=sorted(labelled.values(), key=lambda image: image.member.name),
                     labels=[], not_listed=not_listed)


def _csv_rows(data: bytes):
    """(line, file, label) of each row after the header."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise BuildRefused("labels_csv_unreadable")
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        raise BuildRefused("labels_csv_unreadable") from None
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    if len(header) != 2 or header[0] not in FILE_COLUMNS or header[1] != "label":
        raise BuildRefused("labels_csv_header", found=quote(",".join(rows[0]) if rows else ""))
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 2:
            raise BuildRefused("labels_csv_row", line=line)
        yield line, row[0], row[1]


def clean_label(raw: str, where: str, limits: Limits) -> str:
    """A class name as it will appear in every CSV: NFC, trimmed, and nothing that would
    need quoting in a CSV cell."""
    label = unicodedata.normalize("NFC", raw).strip()
    if not label:
        raise BuildRefused("empty_label", name=quote(where))
    if len(label) > limits.max_label_length:
        raise BuildRefused("label_too_long", label=quote(label[:limits.max_label_length]),
                           length=len(label), limit=limits.max_label_length)
    if any(char in ',"' or unicodedata.category(char) in INVISIBLE_CATEGORIES
           for char in label):
        raise BuildRefused("label_characters", label=quote(label))
    if label.startswith(FORMULA_STARTS):
        raise BuildRefused("label_formula", label=quote(label))
    return label
