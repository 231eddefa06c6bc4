"""Defaults that follow the competition's images: photos or small drawings.

The kit's first defaults were tuned on Hiragana-20 (32-pixel grey glyphs): a backbone input
of 96, images squashed to their load size, no flips. On photos those defaults waste what a
pretrained network knows: it saw ImageNet's photos at 224 pixels, a photo squashed to a
square is distorted, and a mirrored insect is still the same insect. `choose` looks at a
sample of the training images and fills every option the learner left unset, with the
reason, which `train` prints.
"""

import io
import statistics
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from .data import GRAYSCALE_MODES, IMAGE_SUFFIXES

SAMPLED_IMAGES = 40
PHOTO_MIN_SIDE = 128  # an RGB image whose short side is above this counts as a photo
NATIVE_SIZE = 224  # ImageNet's training size: every backbone of the kit was trained at it
GLYPH_BACKBONE_SIZE = 96  # small drawings scaled up; 224 would cost 5x for nothing
PHOTO_CNN_SIZE = 128  # a CNN from scratch on photos: enough detail, 3x cheaper than 224
MAX_NATIVE_SIZE = 160  # larger non-photos are loaded at this size


@dataclass(frozen=True)
class Survey:
    """What a sample of the training images looks like."""

    sampled: int
    colour: bool
    short_side: int  # the median short side of the sample

    @property
    def photos(self) -> bool:
        return self.colour and self.short_side > PHOTO_MIN_SIDE

    def describe(self) -> str:
        kind = "colour" if self.colour else "grey"
        return f"{kind}, short side {self.short_side} px (median of {self.sampled})"


@dataclass
class Choices:
    """The settings filled in, and one line per decision for the learner."""

    values: dict = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)

    def set(self, name: str, value, reason: str) -> None:
        self.values[name] = value
        self.reasons.append(reason)


def survey(folder: Path) -> Survey:
    """Mode and size of up to SAMPLED_IMAGES training images, read from their headers."""
    headers = []
    for blob in _sample(Path(folder)):
        with Image.open(io.BytesIO(blob)) as image:
            headers.append((image.mode, min(image.size)))
    if not headers:
        return Survey(sampled=0, colour=False, short_side=0)
    return Survey(sampled=len(headers),
                  colour=any(mode not in GRAYSCALE_MODES for mode, _ in headers),
                  short_side=int(statistics.median(side for _, side in headers)))


def _sample(folder: Path):
    archive_path = folder / "train.zip"
    if archive_path.exists():
        with zipfile.ZipFile(archive_path) as archive:
            names = [name for name in archive.namelist()
                     if name.lower().endswith(IMAGE_SUFFIXES)]
            for name in _spread(names):
                yield archive.read(name)
    elif (folder / "train").is_dir():
        paths = sorted(path for path in (folder / "train").iterdir()
                       if path.suffix.lower() in IMAGE_SUFFIXES)
        for path in _spread(paths):
            yield path.read_bytes()


def _spread(items: list) -> list:
    """SAMPLED_IMAGES items spread over the list (training files are in class order)."""
    step = max(1, len(items) // SAMPLED_IMAGES)
    return items[::step][:SAMPLED_IMAGES]


def choose(found: Survey, *, model: str, backbone: str, given: dict) -> Choices:
    """Every setting of `given` that is None, filled for these images. `given` holds
    image_size, backbone_size, fit, flip_tta, hflip and classifier."""
    choices = Choices()
    photos = found.photos
    what = (f"photos ({found.describe()})" if photos
            else f"small or grey images ({found.describe()})")
    choices.reasons.append(f"The training images are {what}.")
    transfer = model in ("features", "finetune")
    if given.get("backbone_size") is None:
        if photos:
            choices.set("backbone_size", NATIVE_SIZE,
                        f"backbone input {NATIVE_SIZE}: {backbone}'s native size, where its "
                        f"ImageNet weights were trained")
        else:
            choices.set("backbone_size", GLYPH_BACKBONE_SIZE,
                        f"backbone input {GLYPH_BACKBONE_SIZE}: small images scaled up; "
                        f"{NATIVE_SIZE} would cost 5x the time for no more detail"
                        if transfer else None)
    if given.get("image_size") is None:
        if photos:
            size = PHOTO_CNN_SIZE if model == "cnn" else NATIVE_SIZE
            choices.set("image_size", size,
                        f"images loaded at {size}x{size}" + (
                            " (a CNN from scratch: enough detail, 3x cheaper than 224)"
                            if model == "cnn" else " (the backbone's input: no second resize)"))
        else:
            choices.set("image_size", None, None)  # their own size (at most 160): as before
    if given.get("fit") is None:
        choices.set("fit", "crop" if photos else "squash",
                    "short side resized, then the centre square cut: a photo is not "
                    "distorted" if photos else None)
    if given.get("flip_tta") is None:
        choices.set("flip_tta", photos,
                    "test-time augmentation: each test image also seen mirrored, the two "
                    "predictions averaged (a mirrored photo shows the same thing)"
                    if photos else None)
    if given.get("hflip") is None:
        reason = ("the classifier also learns from the training images' mirror images"
                  if model == "features" else "training augmentation with horizontal flips")
        choices.set("hflip", photos, reason if photos else None)
    if given.get("classifier") is None:
        if photos and model == "features":
            choices.set("classifier", "logistic-cv",
                        "logistic regression with its regularisation (C) chosen by 5-fold "
                        "cross-validation on the training features")
        else:
            choices.set("classifier", "logistic", None)
    choices.reasons = [reason for reason in choices.reasons if reason]
    return choices
