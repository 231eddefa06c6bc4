"""On photos the kit chooses photo defaults and says why; the default command works with no
network; `report` draws a run's pictures for a presentation."""

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from baselines import data, defaults
from baselines.report import confusion, pick_examples
from baselines.weights import WEIGHTS_NAME, resolve_imagenet
from tests.conftest import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
PHOTO_CLASSES = ["tentoumushi", "dangomushi"]
PER_CLASS = 10
TEST_IMAGES = 8


def photo(label: str, rng: np.random.Generator, size=(200, 150)) -> bytes:
    """A colour 'photo' wider than tall: a red ladybird disc or a grey pill bug bar on a
    green, noisy background, somewhere near the centre."""
    background = rng.normal((60, 140, 60), 25, (size[1], size[0], 3))
    image = Image.fromarray(np.clip(background, 0, 255).astype(np.uint8))
    pen = ImageDraw.Draw(image)
    x, y = size[0] // 2 + rng.integers(-20, 21), size[1] // 2 + rng.integers(-15, 16)
    if label == PHOTO_CLASSES[0]:
        pen.ellipse((x - 30, y - 30, x + 30, y + 30), fill=(210, 30, 30))
    else:
        pen.rounded_rectangle((x - 40, y - 15, x + 40, y + 15), radius=12, fill=(90, 90, 100))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


def write_photo_competition(folder: Path) -> Path:
    rng = np.random.default_rng(3)
    folder.mkdir(parents=True, exist_ok=True)
    labels = [PHOTO_CLASSES[n % 2] for n in range(PER_CLASS * 2)]
    ids = [f"train_{n:03d}.jpg" for n in range(len(labels))]
    test_ids = [f"{n:016x}.jpg" for n in range(TEST_IMAGES)]
    with zipfile.ZipFile(folder / "train.zip", "w") as archive:
        for id_, label in zip(ids, labels, strict=True):
            archive.writestr(id_, photo(label, rng))
    with zipfile.ZipFile(folder / "test.zip", "w") as archive:
        for number, id_ in enumerate(test_ids):
            archive.writestr(id_, photo(PHOTO_CLASSES[number % 2], rng))
    with (folder / "train.csv").open("w", newline="") as handle:
        csv.writer(handle).writerows([["id", "label"], *zip(ids, labels, strict=True)])
    (folder / "labels.csv").write_text("label\n" + "\n".join(PHOTO_CLASSES) + "\n")
    (folder / "sample_submission.csv").write_text(
        "id,label\n" + "".join(f"{id_},{PHOTO_CLASSES[0]}\n" for id_ in test_ids))
    return folder


@pytest.fixture(scope="module")
def photo_data(tmp_path_factory) -> Path:
    return write_photo_competition(tmp_path_factory.mktemp("photos") / "data")


def test_colour_photos_get_the_photo_defaults_each_with_its_reason(photo_data):
    found = defaults.survey(photo_data)
    assert found.photos and found.short_side == 150
    chosen = defaults.choose(found, model="features", backbone="mobilenetv2",
                             given=dict.fromkeys(("image_size", "backbone_size", "fit",
                                                  "flip_tta", "hflip", "classifier")))
    assert chosen.values == {"backbone_size": 224, "image_size": 224, "fit": "crop",
                             "flip_tta": True, "hflip": True, "classifier": "logistic-cv"}
    said = "\n".join(chosen.reasons)
    for reason in ("native size", "centre square", "mirrored", "cross-validation"):
        assert reason in said


def test_small_grey_images_keep_the_glyph_defaults(tiny_data):
    found = defaults.survey(tiny_data)
    assert not found.photos
    chosen = defaults.choose(found, model="features", backbone="mobilenetv2",
                             given=dict.fromkeys(("image_size", "backbone_size", "fit",
                                                  "flip_tta", "hflip", "classifier")))
    assert chosen.values == {"backbone_size": 96, "image_size": None, "fit": "squash",
                             "flip_tta": False, "hflip": False, "classifier": "logistic"}


def test_an_option_given_on_the_command_line_wins_over_the_photo_default(photo_data):
    chosen = defaults.choose(defaults.survey(photo_data), model="features",
                             backbone="mobilenetv2",
                             given={"backbone_size": 96, "fit": "squash", "flip_tta": False,
                                    "hflip": None, "image_size": None, "classifier": "svm"})
    assert {"backbone_size", "fit", "flip_tta", "classifier"}.isdisjoint(chosen.values)


def test_crop_keeps_a_photos_proportions_where_squash_distorts_them(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    # 300x100: a blue square in the middle third, red either side.
    picture = Image.new("RGB", (300, 100), (255, 0, 0))
    picture.paste(Image.new("RGB", (100, 100), (0, 0, 255)), (100, 0))
    blob = io.BytesIO()
    picture.save(blob, format="PNG")
    with zipfile.ZipFile(folder / "train.zip", "w") as archive:
        archive.writestr("a.png", blob.getvalue())
        archive.writestr("b.png", blob.getvalue())
    (folder / "train.csv").write_text("id,label\na.png,x\nb.png,y\n")
    (folder / "sample_submission.csv").write_text("id,label\n")
    competition = data.read_competition(folder)
    cropped = data.load_images(competition, "train", 50, cache=False, fit="crop")[0]
    squashed = data.load_images(competition, "train", 50, cache=False)[0]
    assert cropped.shape == squashed.shape == (50, 50, 3)
    assert cropped[:, :, 2].mean() > 240  # the centre square only: all blue
    assert squashed[:, 5, 0].mean() > 240  # squashed: the red left third is still there


def test_imagenet_means_the_offline_weights_when_keras_has_none_downloaded(tmp_path,
                                                                           monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    weights, why = resolve_imagenet("mobilenetv2", "imagenet", 224)
    assert weights == WEIGHTS_NAME and "no network needed" in why
    cached = (tmp_path / "models"
              / "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5")
    cached.parent.mkdir()
    cached.write_bytes(b"Keras' own file")
    assert resolve_imagenet("mobilenetv2", "imagenet", 224) == ("imagenet", None)
    assert resolve_imagenet("mobilenetv2", "none", 224) == ("none", None)


def no_network_command() -> list[str]:
    """A prefix that runs a command in a new network namespace: no interface but a loopback
    that is down, so no address at all can be reached."""
    unshare = shutil.which("unshare")
    if unshare is None or subprocess.run([unshare, "--net", "true"],
                                         capture_output=True).returncode:
        skip_or_fail("unshare --net is needed to run the kit without a network")
    return [unshare, "--net"]


@pytest.fixture(scope="module")
def offline_features_run(photo_data, tmp_path_factory) -> tuple[Path, str]:
    """`python -m baselines train --model features`, no other option, with no network and
    no Keras weights downloaded."""
    out = tmp_path_factory.mktemp("offline") / "features"
    keras_home = tmp_path_factory.mktemp("keras-home")
    finished = subprocess.run(
        [*no_network_command(), sys.executable, "-m", "baselines", "train", "--data",
         str(photo_data), "--model", "features", "--quiet", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={**os.environ, "KERAS_HOME": str(keras_home), "PYTHONPATH": str(ROOT),
             "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert finished.returncode == 0, finished.stderr[-3000:]
    return out, finished.stdout


def test_the_default_features_command_trains_on_imagenet_features_with_no_network(
        offline_features_run):
    out, printed = offline_features_run
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["settings"]["weights"] == WEIGHTS_NAME
    assert "offline ImageNet MobileNetV2" in printed and "no network needed" in printed
    # The shapes are easy: pretrained features tell them apart.
    assert run["validation_accuracy"] == 1.0
    assert (out / "submission.csv").exists()


def test_train_on_photos_prints_the_defaults_it_chose_and_records_them(offline_features_run):
    out, printed = offline_features_run
    assert "backbone input 224" in printed and "centre square" in printed
    assert "cross-validation" in printed
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["input_shape"] == [224, 224, 3]
    assert run["fit"] == "crop" and run["flip_tta"] is True
    assert run["settings"]["classifier"] == "logistic-cv" and run["settings"]["C"] > 0
    assert run["settings"]["mirrored_training_copies"] is True


def test_report_draws_the_learning_curve_confusion_matrix_and_examples(
        offline_features_run, tmp_path):
    from baselines.cli import main

    out, _ = offline_features_run
    assert main(["report", str(out), "--out", str(tmp_path / "report")]) == 0
    names = ("learning-curve", "confusion-matrix", "good-predictions", "bad-predictions")
    for name in names:
        with Image.open(tmp_path / "report" / f"{name}.png") as picture:
            assert picture.format == "PNG" and min(picture.size) > 100
    page = (tmp_path / "report" / "report.html").read_text(encoding="utf-8")
    assert all(f'src="{name}.png"' in page for name in names)
    assert "centre square" in page  # the defaults chosen, for the presentation


def test_report_of_a_cnn_run_draws_its_epochs(cnn_run, tmp_path):
    from baselines.cli import main

    assert main(["report", str(cnn_run), "--out", str(tmp_path)]) == 0
    assert (tmp_path / "learning-curve.png").stat().st_size > 1000


def test_the_examples_are_the_most_confident_right_and_wrong_predictions():
    targets = np.array([0, 1, 0, 1])
    probabilities = np.array([[0.9, 0.1], [0.6, 0.4], [0.55, 0.45], [0.2, 0.8]])
    right, wrong = pick_examples(targets, probabilities, count=2)
    assert list(right) == [0, 3] and list(wrong) == [1]
    assert confusion(targets, probabilities.argmax(1), 2).tolist() == [[2, 0], [1, 1]]


def test_a_small_set_gets_batchnorm_statistics_that_settle_and_hiragana_keeps_keras_own():
    from baselines.train import batch_norm_momentum

    assert batch_norm_momentum(126, 16, 40) == 0.9  # 320 steps: 0.99 would still lag
    assert batch_norm_momentum(7200, 64, 36) == 0.99  # Hiragana-20's CNN: 4,068 steps
