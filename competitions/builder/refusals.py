"""Why a zip of images cannot become a competition, as values.

A refusal is a code and the values its message needs. The message is an English template
marked for translation: the upload form, the build page and the command line render it in
the reader's language with `message()`. The build row stores `as_dict()`.
"""

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_noop

MESSAGES: dict[str, str] = {
    "not_a_zip": gettext_noop("The file is not a zip archive."),
    "zip_too_large": gettext_noop("The zip is %(size)s; the limit is %(limit)s."),
    "too_many_files": gettext_noop("The zip holds %(count)s files; the limit is %(limit)s."),
    "directory_too_large": gettext_noop(
        "The zip's list of contents is %(size)s, more than %(limit)s files could need: the "
        "zip is damaged or not what it says it is."),
    "unpacked_too_large": gettext_noop(
        "The zip unpacks to %(size)s; the limit is %(limit)s."),
    "bomb_ratio": gettext_noop(
        "%(name)s is compressed %(ratio)s times (the limit is %(limit)s): that is a zip "
        "bomb, not an image."),
    "member_too_large": gettext_noop("%(name)s is %(size)s; one image may be at most %(limit)s."),
    "unsafe_path": gettext_noop(
        "%(name)s: paths that leave the folder (absolute, or with ..) are not allowed."),
    "damaged_member": gettext_noop("%(name)s cannot be read: the zip is damaged."),
    "symlink": gettext_noop("%(name)s is a symbolic link; links are not allowed."),
    "encrypted": gettext_noop("%(name)s is encrypted; upload a zip without a password."),
    "no_images": gettext_noop(
        "No images found: put one folder per class (such as dangomushi/ and warajimushi/), "
        "or the images and a labels.csv with the columns file,label."),
    "outside_class_folder": gettext_noop(
        "%(name)s is not inside a class folder: put every image in the folder of its class, "
        "or add a labels.csv."),
    "nested_folders": gettext_noop(
        "%(name)s is in a folder inside the class folder “%(folder)s”: put every image "
        "directly in the folder of its class (dangomushi/001.jpg, warajimushi/001.jpg, "
        "with at most one folder around them all), or list the images in a labels.csv. "
        "Folders train/ and val/ (or test/) with the class folders inside them work too."),
    "split_layout": gettext_noop(
        "%(name)s: in a zip with train/ and val/ (or test/) folders, every image goes "
        "directly in a class folder inside one of them, such as %(folder)s/dangomushi/001.jpg."),
    "split_class_missing": gettext_noop(
        "The class “%(label)s” has no images in the %(part)s part: with “keep my split”, "
        "every class needs images in train/ and in val/ (or test/). Add some, or let Kompe "
        "split the images."),
    "not_an_image": gettext_noop("%(name)s is not a JPEG, PNG, WebP, GIF, BMP or HEIC image."),
    "broken_image": gettext_noop("%(name)s cannot be decoded as an image."),
    "too_many_pixels": gettext_noop(
        "%(name)s has more than %(limit)s pixels; make it smaller."),
    "class_too_small": gettext_noop(
        "Each class needs at least %(minimum)s different images; too few in %(classes)s."),
    "single_class": gettext_noop(
        "Only one class was found (“%(label)s”): a classification task needs at least two."),
    "too_many_classes": gettext_noop("There are %(count)s classes; the limit is %(limit)s."),
    "empty_label": gettext_noop("%(name)s: the label is empty."),
    "label_too_long": gettext_noop(
        "The label “%(label)s” is %(length)s characters long; the limit is %(limit)s."),
    "label_characters": gettext_noop(
        "The label “%(label)s” contains a comma, a quotation mark, a control character or "
        "an invisible formatting character; rename it."),
    "label_formula": gettext_noop(
        "The label “%(label)s” starts with =, +, - or @, which spreadsheets read as a "
        "formula; rename it."),
    "labels_csv_header": gettext_noop(
        "labels.csv must start with the header file,label; found “%(found)s”."),
    "labels_csv_unreadable": gettext_noop(
        "labels.csv cannot be read: save it as UTF-8 (or Shift_JIS) CSV with the columns "
        "file,label."),
    "labels_csv_row": gettext_noop("labels.csv line %(line)s: expected 2 columns, file,label."),
    "labels_csv_twice": gettext_noop(
        "labels.csv line %(line)s: %(name)s is listed a second time."),
    "labels_csv_missing": gettext_noop(
        "labels.csv names %(count)s files that are not in the zip, such as %(examples)s."),
    "labels_csv_too_large": gettext_noop("labels.csv is larger than %(limit)s."),
    "slug_taken": gettext_noop("The address “%(slug)s” is already taken; choose another."),
    "build_in_progress": gettext_noop(
        "You already have a competition being built; wait until it is finished."),
    "too_many_competitions": gettext_noop(
        "You host %(count)s competitions already, the most one person may host."),
    "too_slow": gettext_noop(
        "Building took longer than %(seconds)s seconds and was stopped; try fewer or "
        "smaller images (a maximum side helps)."),
    "internal_error": gettext_noop(
        "The competition could not be built because of an error on our side; nothing was "
        "kept. Please try again later."),
}

# Names and labels quoted back are cut to this length.
MAX_QUOTED_CHARS = 80


def quote(value: str) -> str:
    return value if len(value) <= MAX_QUOTED_CHARS else value[:MAX_QUOTED_CHARS - 1] + "…"


class BuildRefused(Exception):
    """The zip (or the request) cannot become a competition; `code` says why."""

    def __init__(self, code: str, **params: Any):
        assert code in MESSAGES, code
        self.code = code
        self.params = params
        super().__init__(self.message())

    def message(self, translate: Callable[[str], str] = str) -> str:
        return translate(MESSAGES[self.code]) % self.params

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": dict(self.params)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "BuildRefused":
        return cls(data["code"], **(data.get("params") or {}))
