"""A competition's downloaded files as arrays and as a tf.data input pipeline.

The files are the platform's contract (DESIGN.md): `train.zip` and `test.zip` (or the folders
they unpack to), `train.csv` (`id,label`), `labels.csv` (the ordered classes) and
`sample_submission.csv` (every test id once). Images are decoded once, in threads, and cached
next to the data as one `.npz` per split and image size, so a second run starts at once.
"""

import csv
import hashlib
import io
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

CACHE_FOLDER = ".baselines-cache"
GRAYSCALE_MODES = ("1", "L", "LA", "I", "I;16", "F")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff")
DEFAULT_VALIDATION_FRACTION = 0.1
# How an image is brought to the load size: "squash" resizes it whole (glyphs: all of the
# drawing stays, a small change of aspect does not matter); "crop" resizes its short side
# and cuts the centre square (photos: nothing is distorted, the subject is usually central).
FITS = ("squash", "crop")


class DataError(Exception):
    """The competition's files are missing or do not agree with each other."""


@dataclass(frozen=True)
class Competition:
    """What the downloaded files say: classes, training ids and labels, test ids."""

    folder: Path
    labels: list[str]
    train_ids: list[str]
    train_targets: np.ndarray  # class index per training id
    test_ids: list[str]
    display_names: list[str]  # labels.csv's optional second column (romaji for Hiragana-20)

    @property
    def n_classes(self) -> int:
        return len(self.labels)


@dataclass(frozen=True)
class Split:
    """Training and validation rows (indices into the competition's training ids)."""

    train: np.ndarray
    validation: np.ndarray


def read_competition(folder: Path) -> Competition:
    folder = Path(folder)
    for name in ("train.csv", "sample_submission.csv"):
        if not (folder / name).exists():
            raise DataError(f"No {name} in {folder}: download the competition's files first "
                            f"(kompe competitions download -c SLUG -p {folder}).")
    train_rows = _read_csv(folder / "train.csv")
    columns = set(train_rows[0]) if train_rows else set()
    if not {"id", "label"} <= columns:
        raise DataError(f"{folder / 'train.csv'} needs the columns id and label (it has "
                        f"{', '.join(sorted(columns)) or 'no rows'}).")
    labels, display_names = _labels(folder, train_rows)
    index = {label: position for position, label in enumerate(labels)}
    unknown = sorted({row["label"] for row in train_rows} - index.keys())
    if unknown:
        raise DataError(f"train.csv has labels that labels.csv does not list: {unknown[:5]}")
    sample = _read_csv(folder / "sample_submission.csv", header=None)
    test_ids = [row[0] for row in sample if row and row[0] != "id"]
    return Competition(folder=folder, labels=labels,
                       train_ids=[row["id"] for row in train_rows],
                       train_targets=np.array([index[row["label"]] for row in train_rows],
                                              dtype=np.int64),
                       test_ids=test_ids, display_names=display_names)


def _read_csv(path: Path, header: str | None = "dict") -> list:
    text = path.read_text(encoding="utf-8-sig")
    if header == "dict":
        return list(csv.DictReader(io.StringIO(text)))
    return [row for row in csv.reader(io.StringIO(text)) if row]


def _labels(folder: Path, train_rows: list[dict]) -> tuple[list[str], list[str]]:
    """labels.csv's order, which the platform's class indices follow (without it the sorted
    training labels), and each label's display name where labels.csv gives one."""
    if not (folder / "labels.csv").exists():
        labels = sorted({row["label"] for row in train_rows})
        return labels, labels
    rows = _read_csv(folder / "labels.csv", header=None)[1:]
    return [row[0] for row in rows], [row[1] if len(row) > 1 and row[1] else row[0]
                                      for row in rows]


def stratified_split(targets: np.ndarray, fraction: float = DEFAULT_VALIDATION_FRACTION,
                     seed: int = 0) -> Split:
    """Every class keeps its share in the validation rows, so a small class is measured too."""
    from sklearn.model_selection import train_test_split

    rows = np.arange(len(targets))
    train, validation = train_test_split(rows, test_size=fraction, stratify=targets,
                                         random_state=seed)
    return Split(train=np.sort(train), validation=np.sort(validation))


def subsample(rows: np.ndarray, targets: np.ndarray, size: int | None,
              seed: int = 0) -> np.ndarray:
    """At most `size` of `rows`, stratified (the experiments run on a few thousand images)."""
    if size is None or size >= len(rows):
        return rows
    from sklearn.model_selection import train_test_split

    kept, _ = train_test_split(rows, train_size=size, stratify=targets[rows],
                               random_state=seed)
    return np.sort(kept)


# --- images ---------------------------------------------------------------------------

def load_images(competition: Competition, split: str, image_size: int | None = None,
                cache: bool = True, *, shape: tuple[int, int, int] | None = None,
                fit: str = "squash") -> np.ndarray:
    """All images of `split` ("train" or "test") in the order of their ids, as uint8
    (N, H, W, C): one channel when the competition's images are grayscale, else three.
    Images are resized to `image_size` when given (or when their sizes differ). `shape`
    (height, width, channels) forces both size and channels: the test images of a run are
    loaded exactly as its training images were, whatever their own size and mode. `fit`:
    one of FITS."""
    if fit not in FITS:
        raise ValueError(f"Unknown fit {fit!r}: choose from {', '.join(FITS)}.")
    ids = competition.train_ids if split == "train" else competition.test_ids
    size_key = "x".join(map(str, shape)) if shape else image_size
    cache_path = _cache_path(competition.folder, split, ids,
                             size_key if fit == "squash" else f"{size_key}-{fit}")
    if cache and cache_path.exists():
        with np.load(cache_path) as cached:
            return cached["images"]
    images = _decode_all(_image_source(competition.folder, split), ids, image_size, shape,
                         fit)
    if cache:
        cache_path.parent.mkdir(parents=True, exist_ok=True)
        partial = cache_path.with_suffix(".part.npz")
        np.savez(partial, images=images)
        partial.replace(cache_path)  # a killed run never leaves half a cache behind
    return images


def image_stamp(folder: Path, split: str) -> str:
    """Size and modification time of the split's zip (or folder): changes when the images do,
    so caches built from the old images are not reused."""
    for source in (folder / f"{split}.zip", folder / split):
        if source.exists():
            return f"{source.stat().st_size}:{source.stat().st_mtime_ns}"
    return ""


def check_images(competition: Competition, split: str) -> None:
    """DataError now, rather than after a long training, when the split's images are missing."""
    _image_source(competition.folder, split)


def _cache_path(folder: Path, split: str, ids: list[str], size: int | str | None) -> Path:
    stamp = image_stamp(folder, split)
    key = hashlib.sha256(f"{stamp}|{size}|{'|'.join(ids)}".encode()).hexdigest()[:12]
    return folder / CACHE_FOLDER / f"{split}-{size or 'native'}-{key}.npz"


class _ImageSource:
    """Reads image files by id from a zip (anywhere inside it) or from a folder."""

    def __init__(self, archive: Path | None, folder: Path | None):
        self.archive, self.folder = archive, folder
        self.name = archive.name if archive is not None else f"{folder.name}/"
        self.members: dict[str, str] = {}
        if archive is not None:
            with zipfile.ZipFile(archive) as handle:
                for name in handle.namelist():
                    if name.lower().endswith(IMAGE_SUFFIXES):
                        self.members.setdefault(Path(name).name, name)

    def read_all(self, ids: list[str]) -> Iterator[bytes]:
        if self.archive is None:
            yield from ((self.folder / id_).read_bytes() for id_ in ids)
            return
        missing = [id_ for id_ in ids if id_ not in self.members]
        if missing:
            raise DataError(f"{self.archive.name} has no image {missing[0]!r} "
                            f"({len(missing)} ids missing).")
        with zipfile.ZipFile(self.archive) as handle:
            yield from (handle.read(self.members[id_]) for id_ in ids)


def _open(blob: bytes, id_: str) -> Image.Image:
    try:
        return Image.open(io.BytesIO(blob))
    except OSError as error:  # PIL's UnidentifiedImageError is an OSError
        raise DataError(f"Cannot decode the image {id_!r}: {error}") from None


def _image_source(folder: Path, split: str) -> _ImageSource:
    if (folder / f"{split}.zip").exists():
        return _ImageSource(folder / f"{split}.zip", None)
    if (folder / split).is_dir():
        return _ImageSource(None, folder / split)
    raise DataError(f"Neither {split}.zip nor a folder {split}/ in {folder}.")


def _decode_all(source: _ImageSource, ids: list[str], image_size: int | None,
                shape: tuple[int, int, int] | None = None, fit: str = "squash"
                ) -> np.ndarray:
    if not ids:
        raise DataError("No images to read.")
    blobs = list(source.read_all(ids))
    if shape:
        height, width, channels = shape
        mode, size = ("L" if channels == 1 else "RGB"), (width, height)
    else:
        grayscale = all(_open(blob, id_).mode in GRAYSCALE_MODES
                        for blob, id_ in zip(blobs[:50], ids, strict=False))
        mode = "L" if grayscale else "RGB"
        size = (image_size, image_size) if image_size else _open(blobs[0], ids[0]).size

    def decode(blob: bytes, id_: str) -> np.ndarray:
        image = _open(blob, id_)
        try:
            if image.format == "JPEG":
                # Decode a large photo at a reduced scale straight away (never below size).
                image.draft(mode, size)
            image = image.convert(mode)
        except OSError as error:  # a truncated file fails only when its pixels are read
            raise DataError(f"Cannot decode the image {id_!r} ({source.name}): {error}") \
                from None
        if image.size != size and fit == "crop":
            image = ImageOps.fit(image, size, Image.Resampling.BILINEAR)
        elif image.size != size:
            image = image.resize(size, Image.Resampling.BILINEAR)
        return np.asarray(image, dtype=np.uint8)

    # PIL releases the GIL while decoding, so threads use every core.
    with ThreadPoolExecutor() as pool:
        images = np.stack(list(pool.map(decode, blobs, ids, chunksize=256)))
    return images[..., None] if mode == "L" else images


# --- the input pipeline ---------------------------------------------------------------

def make_dataset(images: np.ndarray, targets: np.ndarray | None, batch_size: int,
                 shuffle: bool = False, augmentation=None, seed: int = 0):
    """A tf.data pipeline of float32 batches in [0, 255]: shuffled each epoch when training,
    augmented on the fly (in parallel with the training step), prefetched."""
    import tensorflow as tf

    inputs = (images, targets) if targets is not None else images
    dataset = tf.data.Dataset.from_tensor_slices(inputs)
    if shuffle:
        dataset = dataset.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(batch_size)

    def to_float(x):
        return tf.cast(x, tf.float32)

    if targets is not None:
        dataset = dataset.map(lambda x, y: (to_float(x), y), num_parallel_calls=tf.data.AUTOTUNE)
        if augmentation is not None:
            dataset = dataset.map(lambda x, y: (augmentation(x, training=True), y),
                                  num_parallel_calls=tf.data.AUTOTUNE)
    else:
        dataset = dataset.map(to_float, num_parallel_calls=tf.data.AUTOTUNE)
        if augmentation is not None:
            dataset = dataset.map(lambda x: augmentation(x, training=True),
                                  num_parallel_calls=tf.data.AUTOTUNE)
    return dataset.prefetch(tf.data.AUTOTUNE)
