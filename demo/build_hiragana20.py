"""Build the "Hiragana-20" demo competition for Kompe.

Hiragana-20 is a 20-class image classification task on look-alike hiragana
(あ/お/め/ぬ/ね, れ/わ/る/ろ, は/ほ/け, さ/ち/き, い/り/こ, た/な). Every sample is a
32x32 grayscale PNG of one character, rendered from a system font and then
distorted (size, shift, rotation, shear, stroke width, blur, contrast, noise).
The test images are rendered from fonts that never appear in training, so a
model has to generalise to unseen type designs instead of memorising glyphs.

The script is deterministic: the same --seed and counts give byte-identical
output (given the same fonts, Pillow and numpy versions).

Run it from the repository root:

    .venv/bin/python demo/build_hiragana20.py
    .venv/bin/python demo/build_hiragana20.py --preview /tmp/hiragana20-preview.png

Output (in --out, default demo/hiragana-20/):

    train.zip              train_00001.png ... (labels in train.csv)
    test.zip               <10 random hex chars>.png, names reveal nothing
    train.csv              id,label
    labels.csv             label,name (romaji display name)
    sample_submission.csv  id,label with random labels
    solution.csv           id,label,usage (Public/Private) - organizers only
    competition.json       metadata: labels, fonts per split, seed, counts
"""

import argparse
import csv
import functools
import io
import json
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

# --- Competition definition -------------------------------------------------

SLUG = "hiragana-20"
TITLE = "Hiragana-20"
DEFAULT_SEED = 20261128
DEFAULT_OUT = Path(__file__).resolve().parent / SLUG
DEFAULT_TRAIN = 8000
DEFAULT_TEST = 2000

# (label, romaji display name), in the canonical class order.
CLASSES = (
    ("あ", "a"), ("お", "o"), ("め", "me"), ("ぬ", "nu"), ("ね", "ne"),
    ("れ", "re"), ("わ", "wa"), ("る", "ru"), ("ろ", "ro"), ("は", "ha"),
    ("ほ", "ho"), ("け", "ke"), ("さ", "sa"), ("ち", "chi"), ("き", "ki"),
    ("い", "i"), ("り", "ri"), ("こ", "ko"), ("た", "ta"), ("な", "na"),
)  # fmt: skip
LABELS = tuple(label for label, _ in CLASSES)

PUBLIC_FRACTION = 0.3  # share of each test class scored on the public leaderboard
TEST_NAME_HEX_CHARS = 10
# A fixed timestamp keeps the zip files byte-identical between runs.
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)


# --- Fonts ------------------------------------------------------------------


@dataclass(frozen=True)
class FontSpec:
    name: str
    path: str
    index: int = 0  # face index inside a .ttc collection


LoadedFont = tuple[FontSpec, ImageFont.FreeTypeFont]


NOTO = "/usr/share/fonts/opentype/noto"
OPENTYPE = "/usr/share/fonts/opentype"
TRUETYPE = "/usr/share/fonts/truetype"

# Only one face per distinct kana design is used. Left out on purpose, because
# their hiragana are pixel-identical to a listed face (checked by rendering):
#   - Noto CJK KR/SC/TC/HK and "Mono" faces (same kana as the JP face),
#   - IPA P-fonts and Takao (P)Mincho (Takao is derived from IPA Mincho),
#   - Kouzan Sousyo (its kana are those of Kouzan Brush),
#   - SetoFont-ex has no hiragana at all.
TRAIN_FONTS = (
    FontSpec("Noto Sans CJK JP Regular", f"{NOTO}/NotoSansCJK-Regular.ttc", 0),
    FontSpec("Noto Sans CJK JP Bold", f"{NOTO}/NotoSansCJK-Bold.ttc", 0),
    FontSpec("Noto Serif CJK JP Regular", f"{NOTO}/NotoSerifCJK-Regular.ttc", 0),
    FontSpec("Noto Serif CJK JP Bold", f"{NOTO}/NotoSerifCJK-Bold.ttc", 0),
    FontSpec("IPAGothic", f"{OPENTYPE}/ipafont-gothic/ipag.ttf"),
    FontSpec("Klee One Regular", f"{TRUETYPE}/klee/KleeOne-Regular.ttf"),
    FontSpec("Klee One SemiBold", f"{TRUETYPE}/klee/KleeOne-SemiBold.ttf"),
    FontSpec("Kouzan Brush Gyousyo", f"{TRUETYPE}/kouzan-mouhitsu/kouzan-mouhitsu-gyosho.ttf"),
    FontSpec("SetoFont", f"{TRUETYPE}/seto/setofont.ttf"),
)
# Held out: one mincho, one gothic and one brush face, each a design family
# that has no member in the training fonts.
TEST_FONTS = (
    FontSpec("IPAMincho", f"{OPENTYPE}/ipafont-mincho/ipam.ttf"),
    FontSpec("VL Gothic", f"{TRUETYPE}/vlgothic/VL-Gothic-Regular.ttf"),
    FontSpec("Kouzan Brush", f"{TRUETYPE}/kouzan-mouhitsu/kouzan-mouhitsu.ttf"),
)

# U+0378 is unassigned in Unicode, so every font renders it as .notdef (tofu).
MISSING_CODEPOINT = "\u0378"

# --- Rendering --------------------------------------------------------------

IMAGE_SIZE = 32
SUPERSAMPLE = 4  # draw at 4x and downsample, for smooth anti-aliased strokes
CANVAS = IMAGE_SIZE * SUPERSAMPLE
FONT_PX = 112  # size used to probe a font before it is normalised
GLYPH_PX = 100  # typical glyph extent after normalising each font's size
SIGNATURE_PX = 24  # glyph size used to compare font designs
SAME_DESIGN_DIFF = 5.0  # below this mean pixel difference, two fonts count as one design

# Distortion ranges. Strong on purpose, but chosen so a human still reads most.
GLYPH_EXTENT = (0.55, 0.92)  # longest glyph side as a fraction of the image
MAX_OVERFLOW = 0.04  # how far (fraction of image) a glyph may poke past an edge
ROTATION_DEG = 15.0
SHEAR = 0.3
ASPECT = (0.8, 1.25)  # horizontal / vertical stretch
STROKE_PX = (0, 3)  # extra outline around a ~GLYPH_PX glyph, i.e. up to ~1 px at 32x32
THIN_PROB = 0.25  # chance to erode a glyph drawn without outline
HAIRLINE_LOSS = 0.02  # skip erosion if opening the glyph loses this share of its ink
BLUR_RADIUS = (0.0, 0.8)  # Gaussian radius in final pixels
BACKGROUND = (0.0, 100.0)  # background level; glyphs are light on dark
MIN_CONTRAST = 90.0
GRADIENT = 40.0  # peak-to-peak uneven lighting across the image
NOISE_SIGMA = (0.0, 14.0)


# --- Fonts: loading and checks ----------------------------------------------


def load_font(spec: FontSpec) -> ImageFont.FreeTypeFont | None:
    """Open a font, sized so that its typical class glyph is GLYPH_PX across.

    Fonts fill very different parts of the em square (brush kana are small), and
    normalising makes a stroke width or erosion step mean the same for every font.
    """
    try:
        probe = ImageFont.truetype(spec.path, FONT_PX, index=spec.index)
    except OSError:
        return None
    extents = [max(glyph.size) for char in LABELS if (glyph := draw_glyph(probe, char))]
    if not extents:
        return probe  # nothing to measure; has_all_glyphs() rejects it anyway
    return probe.font_variant(size=round(FONT_PX * GLYPH_PX / float(np.median(extents))))


@functools.cache  # each (font, char, stroke) is drawn thousands of times
def draw_glyph(font: ImageFont.FreeTypeFont, char: str, stroke: int = 0) -> Image.Image | None:
    """Draw one character (white on black), cropped to its ink; None if blank.

    The result is cached and shared, so callers must not modify it in place.
    """
    size = 2 * int(font.size)
    image = Image.new("L", (size, size), 0)
    ImageDraw.Draw(image).text(
        (size / 2, size / 2), char, font=font, fill=255, anchor="mm",
        stroke_width=stroke, stroke_fill=255,
    )  # fmt: skip
    bbox = image.getbbox()
    return image.crop(bbox) if bbox else None


def has_all_glyphs(font: ImageFont.FreeTypeFont, chars: tuple[str, ...]) -> bool:
    """True if no character is blank or drawn as the font's .notdef box."""
    tofu = draw_glyph(font, MISSING_CODEPOINT)
    tofu_pixels = None if tofu is None else np.asarray(tofu)
    for char in chars:
        glyph = draw_glyph(font, char)
        if glyph is None:
            return False
        pixels = np.asarray(glyph)
        if tofu_pixels is not None and np.array_equal(pixels, tofu_pixels):
            return False
    return True


def design_signature(font: ImageFont.FreeTypeFont) -> np.ndarray:
    """All class glyphs, each cropped and scaled to a small square, as floats."""
    tiles = [
        np.asarray(draw_glyph(font, char).resize((SIGNATURE_PX, SIGNATURE_PX)), dtype=float)
        for char in LABELS
    ]
    return np.stack(tiles)


def usable_fonts(specs: tuple[FontSpec, ...]) -> list[LoadedFont]:
    """Load the fonts, skipping (with a warning) missing files and incomplete fonts."""
    fonts = []
    for spec in specs:
        font = load_font(spec)
        if font is None:
            print(f"warning: skipping {spec.name}: cannot open {spec.path}", file=sys.stderr)
        elif not has_all_glyphs(font, LABELS):
            print(f"warning: skipping {spec.name}: lacks some hiragana", file=sys.stderr)
        else:
            fonts.append((spec, font))
    return fonts


def check_held_out(train_fonts: list[LoadedFont], test_fonts: list[LoadedFont]) -> None:
    """Fail if a test font draws the same kana as a training font.

    Many Japanese fonts share glyphs (e.g. Takao Mincho is IPA Mincho), and a
    shared design would quietly leak the test fonts into training.
    """
    for test_spec, test_font in test_fonts:
        test_sig = design_signature(test_font)
        for train_spec, train_font in train_fonts:
            # Mean absolute pixel difference (0..255): shared designs score ~0, while
            # even two weights of one family (Klee One) score ~15.
            if np.abs(design_signature(train_font) - test_sig).mean() < SAME_DESIGN_DIFF:
                sys.exit(f"error: test font {test_spec.name} duplicates {train_spec.name}")


# --- Rendering one sample ---------------------------------------------------


def styled_glyph(rng: np.random.Generator, font: ImageFont.FreeTypeFont, char: str) -> Image.Image:
    """Glyph with a random stroke weight: thickened by an outline or thinned by erosion."""
    hairlines = has_hairlines(font, char)
    # Hairlines need at least a thin outline, or downsampling fades them out.
    stroke = int(rng.integers(max(STROKE_PX[0], int(hairlines)), STROKE_PX[1] + 1))
    glyph = draw_glyph(font, char, stroke)
    if stroke == 0 and rng.random() < THIN_PROB and not hairlines:
        glyph = glyph.filter(ImageFilter.MinFilter(3))
    return glyph


@functools.cache
def has_hairlines(font: ImageFont.FreeTypeFont, char: str) -> bool:
    """True if the glyph has strokes so thin that eroding it would erase them.

    Brush fonts join strokes with hairlines; without them e.g. the loop of わ
    disappears. A morphological opening (erode, then dilate) removes exactly
    the parts thinner than the filter, so a noticeable ink loss flags them.
    """
    glyph = draw_glyph(font, char)
    opened = glyph.filter(ImageFilter.MinFilter(3)).filter(ImageFilter.MaxFilter(3))
    ink = np.asarray(glyph, dtype=float).sum()
    return np.asarray(opened, dtype=float).sum() < (1 - HAIRLINE_LOSS) * ink


def random_affine(rng: np.random.Generator, glyph: Image.Image) -> Image.Image:
    """Rotate, shear and stretch a glyph about its centre; returns it cropped to ink."""
    angle = np.deg2rad(rng.uniform(-ROTATION_DEG, ROTATION_DEG))
    shear = rng.uniform(-SHEAR, SHEAR)
    aspect = np.exp(rng.uniform(np.log(ASPECT[0]), np.log(ASPECT[1])))
    rotate = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    forward = rotate @ np.array([[1.0, shear], [0.0, 1.0]]) @ np.diag([aspect, 1.0 / aspect])

    # Size the output to the transformed corners: nothing is cut off, and no
    # time is wasted resampling empty padding.
    half = np.array([glyph.width, glyph.height]) / 2
    corners = forward @ (np.array([[-1, -1], [1, -1], [-1, 1], [1, 1]]) * half).T
    out_half = np.abs(corners).max(axis=1)
    out_size = tuple(int(np.ceil(2 * v)) + 2 for v in out_half)
    # PIL maps each output pixel back to an input pixel, so it wants the inverse.
    inverse = np.linalg.inv(forward)
    offset = half - inverse @ (np.array(out_size) / 2)
    coeffs = (*inverse[0], offset[0], *inverse[1], offset[1])
    warped = glyph.transform(out_size, Image.Transform.AFFINE, coeffs, Image.Resampling.BICUBIC)
    return warped.crop(warped.getbbox())


def place_on_canvas(rng: np.random.Generator, glyph: Image.Image) -> Image.Image:
    """Scale the glyph to a random size and paste it at a random position."""
    extent = rng.uniform(*GLYPH_EXTENT) * CANVAS
    scale = extent / max(glyph.size)
    width = max(1, round(glyph.width * scale))
    height = max(1, round(glyph.height * scale))
    glyph = glyph.resize((width, height), Image.Resampling.LANCZOS)

    overflow = MAX_OVERFLOW * CANVAS
    x = rng.uniform(-overflow, CANVAS - width + overflow)
    y = rng.uniform(-overflow, CANVAS - height + overflow)
    canvas = Image.new("L", (CANVAS, CANVAS), 0)
    canvas.paste(glyph, (round(x), round(y)))
    return canvas


def finish(rng: np.random.Generator, canvas: Image.Image) -> Image.Image:
    """Downsample, blur, and apply random contrast, uneven lighting and noise."""
    small = canvas.resize((IMAGE_SIZE, IMAGE_SIZE), Image.Resampling.LANCZOS)
    small = small.filter(ImageFilter.GaussianBlur(rng.uniform(*BLUR_RADIUS)))
    ink = np.asarray(small, dtype=float) / 255.0

    background = rng.uniform(*BACKGROUND)
    foreground = rng.uniform(min(background + MIN_CONTRAST, 255.0), 255.0)
    # A linear ramp in a random direction imitates uneven lighting or paper.
    direction = rng.uniform(0, 2 * np.pi)
    coords = np.linspace(-0.5, 0.5, IMAGE_SIZE)
    ramp = np.cos(direction) * coords[None, :] + np.sin(direction) * coords[:, None]
    paper = background + rng.uniform(0, GRADIENT) * ramp

    pixels = paper * (1 - ink) + foreground * ink
    pixels += rng.normal(0.0, rng.uniform(*NOISE_SIGMA), pixels.shape)
    return Image.fromarray(np.clip(np.rint(pixels), 0, 255).astype(np.uint8))


def render_sample(rng: np.random.Generator, font: ImageFont.FreeTypeFont, char: str) -> Image.Image:
    glyph = random_affine(rng, styled_glyph(rng, font, char))
    return finish(rng, place_on_canvas(rng, glyph))


def render_split(
    rng: np.random.Generator, fonts: list[LoadedFont], per_class: int
) -> list[tuple[str, Image.Image]]:
    """Render per_class images of every class, in a random order.

    Fonts are dealt round-robin inside each class so every font is (almost)
    equally represented in every class.
    """
    jobs = []
    for label in LABELS:
        font_ids = rng.permutation(np.resize(np.arange(len(fonts)), per_class))
        jobs += [(label, fonts[i][1]) for i in font_ids]
    # Shuffle so that file order (and thus train ids) says nothing about labels.
    order = rng.permutation(len(jobs))
    return [(jobs[i][0], render_sample(rng, jobs[i][1], jobs[i][0])) for i in order]


# --- Output -----------------------------------------------------------------


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def write_zip(path: Path, files: dict[str, bytes]) -> None:
    """Write a deterministic zip: sorted names, fixed timestamps and permissions."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])


def write_csv(path: Path, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def opaque_names(rng: np.random.Generator, count: int) -> list[str]:
    """Unique random hex file names, so test names leak neither label nor order."""
    names: set[str] = set()
    ordered = []
    while len(ordered) < count:
        name = rng.bytes(TEST_NAME_HEX_CHARS // 2).hex() + ".png"
        if name not in names:
            names.add(name)
            ordered.append(name)
    return ordered


def public_ids(rng: np.random.Generator, labelled: list[tuple[str, str]]) -> set[str]:
    """Pick PUBLIC_FRACTION of the ids of every class (a stratified split)."""
    chosen = set()
    for label in LABELS:
        ids = sorted(id_ for id_, lab in labelled if lab == label)
        count = round(PUBLIC_FRACTION * len(ids))
        chosen.update(rng.choice(ids, size=count, replace=False).tolist())
    return chosen


def write_preview(path: Path, train, test, per_class: int = 6) -> None:
    """Grid for eyeballing: one row per class, train samples left, test right.

    Only a development aid; keep it out of the shipped output folder.
    """
    gap = IMAGE_SIZE // 2
    width = 2 * per_class * IMAGE_SIZE + gap
    sheet = Image.new("L", (width, len(LABELS) * IMAGE_SIZE), 255)
    for row, label in enumerate(LABELS):
        for col, side in enumerate((train, test)):
            images = [image for lab, image in side if lab == label][:per_class]
            for i, image in enumerate(images):
                x = col * (per_class * IMAGE_SIZE + gap) + i * IMAGE_SIZE
                sheet.paste(image, (x, row * IMAGE_SIZE))
    sheet.resize((sheet.width * 3, sheet.height * 3), Image.Resampling.NEAREST).save(path)


# --- Main -------------------------------------------------------------------


def per_class_count(total: int, split: str) -> int:
    if total <= 0 or total % len(LABELS):
        sys.exit(f"error: --{split} must be a positive multiple of {len(LABELS)}")
    return total // len(LABELS)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument(
        "--train", type=int, default=DEFAULT_TRAIN, help="train images (multiple of 20)"
    )
    parser.add_argument(
        "--test", type=int, default=DEFAULT_TEST, help="test images (multiple of 20)"
    )
    parser.add_argument("--preview", type=Path, help="also write a preview grid PNG here")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    train_per_class = per_class_count(args.train, "train")
    test_per_class = per_class_count(args.test, "test")
    started = time.perf_counter()

    train_fonts = usable_fonts(TRAIN_FONTS)
    test_fonts = usable_fonts(TEST_FONTS)
    if not train_fonts or not test_fonts:
        sys.exit("error: need at least one usable font for each of train and test")
    check_held_out(train_fonts, test_fonts)

    # Independent streams: changing e.g. --test does not change the train images.
    train_rng, test_rng, names_rng, split_rng, sample_rng = (
        np.random.default_rng(seq) for seq in np.random.SeedSequence(args.seed).spawn(5)
    )
    train = render_split(train_rng, train_fonts, train_per_class)
    test = render_split(test_rng, test_fonts, test_per_class)

    train_rows = [(f"train_{i:05d}.png", label) for i, (label, _) in enumerate(train, start=1)]
    test_ids = opaque_names(names_rng, len(test))
    solution = sorted(zip(test_ids, (label for label, _ in test), strict=True))
    public = public_ids(split_rng, solution)
    random_labels = sample_rng.choice(len(LABELS), size=len(solution))

    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    write_zip(
        out / "train.zip",
        {id_: png_bytes(image) for (id_, _), (_, image) in zip(train_rows, train, strict=True)},
    )
    write_zip(
        out / "test.zip",
        {id_: png_bytes(image) for id_, (_, image) in zip(test_ids, test, strict=True)},
    )
    write_csv(out / "train.csv", ("id", "label"), train_rows)
    write_csv(out / "labels.csv", ("label", "name"), list(CLASSES))
    write_csv(
        out / "sample_submission.csv",
        ("id", "label"),
        [(id_, LABELS[k]) for (id_, _), k in zip(solution, random_labels, strict=True)],
    )
    write_csv(
        out / "solution.csv",
        ("id", "label", "usage"),
        [(id_, label, "Public" if id_ in public else "Private") for id_, label in solution],
    )
    metadata = {
        "slug": SLUG,
        "title": TITLE,
        "labels": list(LABELS),
        "fonts": {
            "train": [spec.name for spec, _ in train_fonts],
            "test": [spec.name for spec, _ in test_fonts],
        },
        "seed": args.seed,
        "counts": {"train": len(train), "test": len(test)},
    }
    (out / "competition.json").write_text(
        json.dumps(metadata, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    if args.preview:
        write_preview(args.preview, train, test)

    elapsed = time.perf_counter() - started
    print(f"wrote {len(train)} train + {len(test)} test images to {out} in {elapsed:.1f} s")


if __name__ == "__main__":
    main()
