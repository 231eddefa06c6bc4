"""Data augmentation with Keras preprocessing layers, and a picture of what it does.

The layers take float images in [0, 255] and are active only when called with
`training=True`: in the training pipeline and for test-time augmentation, never in plain
prediction.
"""

from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np

# Glyphs must not be flipped (a mirrored character is another character or none), so the
# defaults do not flip; photos usually can be flipped horizontally.
DEFAULT_ROTATION_DEGREES = 10.0
DEFAULT_SHIFT = 0.1
DEFAULT_ZOOM = 0.1
DEFAULT_BRIGHTNESS = 0.2


@dataclass(frozen=True)
class AugmentSettings:
    rotation: float = DEFAULT_ROTATION_DEGREES  # degrees, either way
    shift: float = DEFAULT_SHIFT  # fraction of the width and height
    zoom: float = DEFAULT_ZOOM  # fraction, in or out
    brightness: float = DEFAULT_BRIGHTNESS  # fraction of the value range, up or down
    horizontal_flip: bool = False
    vertical_flip: bool = False

    @property
    def is_identity(self) -> bool:
        return not (self.rotation or self.shift or self.zoom or self.brightness
                    or self.horizontal_flip or self.vertical_flip)

    def describe(self) -> str:
        parts = [f"rotation ±{self.rotation:g}°" if self.rotation else "",
                 f"shift ±{self.shift:g}" if self.shift else "",
                 f"zoom ±{self.zoom:g}" if self.zoom else "",
                 f"brightness ±{self.brightness:g}" if self.brightness else "",
                 "horizontal flip" if self.horizontal_flip else "",
                 "vertical flip" if self.vertical_flip else ""]
        return ", ".join(part for part in parts if part) or "none"

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> "AugmentSettings":
        known = {field.name for field in fields(cls)}
        return cls(**{key: value for key, value in values.items() if key in known})


NO_AUGMENTATION = AugmentSettings(rotation=0, shift=0, zoom=0, brightness=0)


def build_augmentation(settings: AugmentSettings, seed: int = 0):
    """A keras.Sequential of the chosen random layers, or None when nothing is chosen."""
    import keras
    from keras import layers

    if settings.is_identity:
        return None
    steps = []
    if settings.horizontal_flip or settings.vertical_flip:
        mode = ("horizontal_and_vertical" if settings.horizontal_flip and settings.vertical_flip
                else "horizontal" if settings.horizontal_flip else "vertical")
        steps.append(layers.RandomFlip(mode, seed=seed))
    # "nearest" extends the background into the corners a move uncovers: a black ("constant")
    # corner would be a clue the test images never show, "reflect" can mirror a stroke in.
    if settings.rotation:
        # RandomRotation's factor is a fraction of a full turn.
        steps.append(layers.RandomRotation(settings.rotation / 360, fill_mode="nearest",
                                           seed=seed))
    if settings.shift:
        steps.append(layers.RandomTranslation(settings.shift, settings.shift,
                                              fill_mode="nearest", seed=seed))
    if settings.zoom:
        steps.append(layers.RandomZoom(settings.zoom, settings.zoom, fill_mode="nearest",
                                       seed=seed))
    if settings.brightness:
        steps.append(layers.RandomBrightness(settings.brightness, value_range=(0, 255),
                                             seed=seed))
    return keras.Sequential(steps, name="augmentation")


def preview_grid(images: np.ndarray, settings: AugmentSettings, path: Path,
                 views: int = 7, seed: int = 0, titles: list[str] | None = None) -> Path:
    """A PNG grid: one row per image, the original first, then `views` augmented versions,
    so a learner sees what the model sees."""
    import matplotlib

    matplotlib.use("Agg")  # files only: no window, no display needed
    import matplotlib.pyplot as plt

    augmentation = build_augmentation(settings, seed=seed)
    batch = images.astype("float32")
    columns = [batch] + [np.asarray(augmentation(batch, training=True)) if augmentation
                         else batch for _ in range(views)]
    rows = len(images)
    figure, axes = plt.subplots(rows, views + 1, figsize=(1.1 * (views + 1), 1.1 * rows + 0.5),
                                squeeze=False)
    for row in range(rows):
        for column, view in enumerate(columns):
            axis = axes[row][column]
            picture = np.clip(view[row], 0, 255).astype("uint8")
            if picture.shape[-1] == 1:
                axis.imshow(picture[..., 0], cmap="gray", vmin=0, vmax=255)
            else:
                axis.imshow(picture)
            axis.set_xticks([])
            axis.set_yticks([])
            if row == 0:
                axis.set_title("original" if column == 0 else f"view {column}", fontsize=8)
        if titles:
            axes[row][0].set_ylabel(titles[row], fontsize=8, rotation=0, labelpad=14)
    figure.suptitle(f"Augmentation: {settings.describe()}", fontsize=9)
    figure.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=80)
    plt.close(figure)
    return path
