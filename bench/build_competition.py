"""How long a community competition takes to build from a zip of images.

Run: .venv/bin/python bench/build_competition.py [--images 2000] [--classes 10]
     [--side 256] [--runs 3] [--max-side N]

Generates --images JPEG photos-like images (--side × 3/4 --side pixels: a gradient, shapes
and noise, so that JPEG has real work to do) in --classes class folders, zips them, then
builds the competition as the worker does (`build_request` then `build_run` in this
process) on a throw-away SQLite database with its own private folder. Prints, per run and
as the median: the whole build (zip read, every image decoded, checked, stripped and
re-encoded, duplicates, splits, train.zip/test.zip/CSVs/solution/gallery written, rows
created), and the part spent on the images.
"""

import argparse
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def generated_zip(images: int, classes: int, side: int, seed: int = 7) -> bytes:
    from PIL import Image, ImageDraw

    rng = np.random.default_rng(seed)
    output = io.BytesIO()
    height = side * 3 // 4
    gradient = np.linspace(0, 1, side)[None, :, None] * np.linspace(0, 1, height)[:, None, None]
    with zipfile.ZipFile(output, "w", zipfile.ZIP_STORED) as archive:
        for number in range(images):
            label = number % classes
            base = (rng.random(3) * 255 * gradient + rng.normal(0, 12, (height, side, 3)))
            image = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))
            draw = ImageDraw.Draw(image)
            for _ in range(3 + label):
                x, y = rng.integers(0, side), rng.integers(0, height)
                radius = int(rng.integers(5, side // 6))
                draw.ellipse((x - radius, y - radius, x + radius, y + radius),
                             fill=tuple(int(v) for v in rng.integers(0, 256, 3)))
            data = io.BytesIO()
            image.save(data, format="JPEG", quality=88)
            archive.writestr(f"class_{label:02d}/IMG_{number:05d}.jpg", data.getvalue())
    return output.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=2000)
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--side", type=int, default=256)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--max-side", type=int, default=None,
                        help="the build's maximum side (images larger are shrunk)")
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="kompe-bench-build-")
    os.environ.update({"KOMPE_VAR_DIR": scratch, "PRIVATE_ROOT": f"{scratch}/private",
                       "SECRET_KEY": "bench-only", "DJANGO_SETTINGS_MODULE": "config.settings"})
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from competitions.builder import build as builder
    from competitions.builder.service import build_request, build_run
    from competitions.models import CompetitionBuild

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    data = generated_zip(args.images, args.classes, args.side)
    print(f"{args.images} images, {args.classes} classes, {args.side}×{args.side * 3 // 4} "
          f"JPEG: zip of {len(data) / 2**20:.1f} MiB generated in "
          f"{time.perf_counter() - started:.1f} s")

    image_seconds = []
    original = builder._clean_all

    def timed_clean_all(*positional, **keywords):
        begin = time.perf_counter()
        result = original(*positional, **keywords)
        image_seconds.append(time.perf_counter() - begin)
        return result

    builder._clean_all = timed_clean_all
    host = get_user_model().objects.create_user("bench-host")
    totals = []
    for run in range(args.runs):
        begin = time.perf_counter()
        build = build_request(host=host, upload=SimpleUploadedFile("bench.zip", data),
                              slug=f"bench-{run}", title="Bench", max_side=args.max_side)
        assert build_run(build_id=build.pk) == "done"
        totals.append(time.perf_counter() - begin)
        build = CompetitionBuild.objects.get(pk=build.pk)
        print(f"run {run + 1}: {totals[-1]:.1f} s in all, {image_seconds[-1]:.1f} s on the "
              f"images ({build.competition.solution_public_rows} public, "
              f"{build.competition.solution_private_rows} private test images)")
    print(f"median: {statistics.median(totals):.1f} s in all, "
          f"{statistics.median(image_seconds):.1f} s on the images "
          f"({args.images / statistics.median(totals):.0f} images/s)")
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
