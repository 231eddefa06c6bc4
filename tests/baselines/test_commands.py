"""Every command of the starter kit on the tiny competition (weights none, one epoch, small
images): what each writes, and that its submissions pass the platform's own validation."""

import csv
import dataclasses
import io
import json
import re
import zipfile

import numpy as np
import pytest
from PIL import Image

from baselines.cli import main
from scoring.formats import DEFAULT_FORMAT, Header, Kind, LabelsAs, SubmissionFormat
from scoring.scorer import score_submission
from scoring.solution import parse_solution
from tests.baselines.conftest import write_competition
from tests.conftest import LABELS, SOLUTION_CSV, TEST_IDS

# Keras' TensorFlow backend trips numpy 2's copy-keyword deprecation on every batch.
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")

# Small and fast: MobileNetV2 at 32x32 without pretrained weights.
BACKBONE = ["--backbone", "mobilenetv2", "--weights", "none", "--backbone-size", "32"]
TINY_CNN = ["--epochs", "1", "--width", "4", "--blocks", "1", "--no-augment", "--quiet"]
GUESSED = "was guessed from sample_submission.csv"


def platform_score(path, fmt: SubmissionFormat = DEFAULT_FORMAT) -> float:
    """What the leaderboard would show for this file."""
    scores = score_submission(path.read_bytes(), solution=parse_solution(SOLUTION_CSV, LABELS),
                              labels=LABELS, metric="accuracy", fmt=fmt)
    return scores.public


def test_train_cnn_writes_a_run_and_a_valid_submission(cnn_run, capsys):
    run = json.loads((cnn_run / "run.json").read_text(encoding="utf-8"))
    assert run["model"] == "cnn" and run["labels"] == LABELS
    assert run["epochs_run"] == 1 and 0 <= run["validation_accuracy"] <= 1
    assert {"model.keras", "checkpoint.keras", "history.csv", "submission.csv",
            "validation.npz"} <= {path.name for path in cnn_run.iterdir()}
    rows = list(csv.reader((cnn_run / "submission.csv").open(encoding="utf-8")))
    assert rows[0] == ["id", "label"] and [row[0] for row in rows[1:]] == TEST_IDS
    assert 0 <= platform_score(cnn_run / "submission.csv") <= 1


def test_train_prints_the_validation_score_from_the_platforms_scorer(tiny_data, tmp_path,
                                                                     capsys):
    out = tmp_path / "cnn"
    assert main(["train", "--data", str(tiny_data), *TINY_CNN, "--kind", "label",
                 "--header", "required", "--labels-as", "name", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    printed = captured.out
    assert "the platform's scoring core accepts it in that format" in printed
    assert GUESSED not in captured.err
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert (f"Local validation accuracy (the platform's scorer on the held-out training "
            f"images): {run['validation_accuracy']:.4f}") in printed


def test_features_cache_their_vectors_and_train_a_scikit_learn_classifier(tiny_data, tmp_path):
    first, second = tmp_path / "features", tmp_path / "features-svm"
    command = ["train", "--data", str(tiny_data), "--model", "features", *BACKBONE,
               "--cut-layer", "block_5_add", "--pool", "avg2x2", "--quiet"]
    assert main([*command, "--out", str(first)]) == 0
    assert main([*command, "--classifier", "svm", "--out", str(second)]) == 0
    for out in (first, second):
        assert {"extractor.keras", "classifier.joblib", "submission.csv"} <= {
            path.name for path in out.iterdir()}
    run = json.loads((first / "run.json").read_text(encoding="utf-8"))
    assert run["settings"]["cut_layer"] == "block_5_add"
    assert run["feature_size"] == 4 * 32  # block_5_add has 32 channels, pooled 2x2
    # The second run found the first one's features on disk.
    assert len(list((tiny_data / ".baselines-cache").glob("features-*.npy"))) == 1
    assert 0 <= platform_score(second / "submission.csv") <= 1


def test_finetune_trains_a_head_then_opens_the_top_layers(tiny_data, tmp_path):
    out = tmp_path / "finetune"
    assert main(["train", "--data", str(tiny_data), "--model", "finetune", *BACKBONE,
                 "--head-epochs", "1", "--epochs", "1", "--unfreeze", "10", "--quiet",
                 "--out", str(out)]) == 0
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["epochs_run"] == 2
    # BatchNorm stays frozen: of the top 10 layers only the convolutions open.
    assert 0 < run["settings"]["layers_opened"] < 10
    assert (out / "history_head.csv").exists() and (out / "history.csv").exists()
    assert 0 <= platform_score(out / "submission.csv") <= 1


def test_the_frozen_base_keeps_its_batchnorm_frozen_when_unfrozen():
    from baselines import models

    model, base = models.build_finetune_model((16, 16, 1), 3, backbone="mobilenetv2",
                                              weights="none", image_size=32)
    assert not base.trainable and all(not w.trainable for w in base.weights)
    opened = models.unfreeze_model(base, 12)
    trainable = [layer for layer in base.layers if layer.trainable and layer.weights]
    assert len(trainable) == opened > 0
    assert all(layer.name.startswith(("block_16", "Conv_1")) for layer in trainable)
    assert not any("BN" in layer.name or "bn" in layer.name for layer in trainable)


def test_predict_ensembles_runs_with_test_time_augmentation(cnn_run, tiny_data, tmp_path,
                                                            capsys):
    second = tmp_path / "cnn-seed1"
    assert main(["train", "--data", str(tiny_data), "--epochs", "1", "--width", "4",
                 "--blocks", "1", "--quiet", "--out", str(second)]) == 0
    out = tmp_path / "ensemble.csv"
    capsys.readouterr()
    assert main(["predict", str(cnn_run), str(second), "--tta", "3", "--out", str(out)]) == 0
    assert f"Wrote {out}: 10 rows" in capsys.readouterr().out
    assert 0 <= platform_score(out) <= 1


def test_without_the_competitions_format_the_guess_is_said_to_be_one(cnn_run, capsys):
    assert main(["predict", str(cnn_run), "--out", str(cnn_run / "guessed.csv")]) == 0
    captured = capsys.readouterr()
    assert GUESSED in captured.err and "--format-from SLUG" in captured.err
    assert "guessed format" in captured.out
    assert json.loads((cnn_run / "run.json").read_text())["submission_format"]["guessed"]


def competition_info(kind: str, header: str = "required", labels_as: str = "name",
                     metric: str = "accuracy", top_k: int = 3) -> dict:
    """What the server's competition endpoint says of a competition (its format fields)."""
    return {"slug": "tiny", "labels": LABELS, "metric": metric, "top_k": top_k,
            "submission_kind": kind, "submission_header": header,
            "submission_labels_as": labels_as}


@pytest.mark.parametrize(("options", "fmt"), [
    (["--format-from", "tiny"], SubmissionFormat(kind=Kind.PROBABILITY)),
    (["--kind", "probability", "--header", "absent"],
     SubmissionFormat(kind=Kind.PROBABILITY, header=Header.ABSENT)),
    (["--header", "absent", "--labels-as", "index", "--kind", "label"],
     SubmissionFormat(header=Header.ABSENT, labels_as=LabelsAs.INDEX)),
])
def test_the_submission_follows_the_competitions_format_not_the_sample(
        cnn_run, tmp_path, capsys, monkeypatch, options, fmt):
    from kompe.client import Client

    # The sample is id,label as always: only the server or the flags know the format.
    monkeypatch.setattr(Client, "competition",
                        lambda client, slug: competition_info("probability", metric="log_loss"))
    out = tmp_path / "submission.csv"
    assert main(["predict", str(cnn_run), *options, "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert GUESSED not in captured.err
    lines = out.read_text(encoding="utf-8").splitlines()
    if fmt.kind == Kind.PROBABILITY and fmt.header == Header.REQUIRED:
        assert lines[0] == "id," + ",".join(LABELS)
    else:
        assert lines[0].split(",")[0] == TEST_IDS[0] and len(lines) == len(TEST_IDS)
    if fmt.labels_as == LabelsAs.INDEX:
        assert lines[0].split(",")[1].isdigit()
    if options[0] == "--format-from":  # the competition's metric, not accuracy
        assert "Local validation log_loss" in captured.out
    assert 0 <= platform_score(out, fmt) <= 1


def test_train_keeps_the_format_in_the_run_for_predict(tiny_data, tmp_path, capsys):
    out = tmp_path / "probabilities"
    assert main(["train", "--data", str(tiny_data), *TINY_CNN, "--kind", "probability",
                 "--header", "required", "--out", str(out)]) == 0
    assert json.loads((out / "run.json").read_text())["submission_format"]["kind"] == \
        "probability"
    again = tmp_path / "again.csv"
    assert main(["predict", str(out), "--out", str(again)]) == 0
    assert GUESSED not in capsys.readouterr().err
    assert again.read_text(encoding="utf-8").splitlines()[0] == "id," + ",".join(LABELS)
    assert 0 <= platform_score(again, SubmissionFormat(kind=Kind.PROBABILITY)) <= 1


@pytest.mark.filterwarnings("ignore:'k' \\(3\\) greater than or equal:UserWarning")
def test_the_local_score_uses_the_competitions_top_k(cnn_run, tmp_path, capsys,
                                                    monkeypatch):
    from kompe.client import Client

    monkeypatch.setattr(Client, "competition", lambda client, slug: competition_info(
        "label", metric="top_k_accuracy", top_k=1))

    def printed_score(*options) -> float:
        assert main(["predict", str(cnn_run), *options, "--out",
                     str(tmp_path / "top.csv")]) == 0
        return float(re.search(r"Local validation .*: ([0-9.]+)", capsys.readouterr().out)
                     .group(1))

    # Top-1 accuracy is accuracy; with the default k=3 of three classes it would be 1.
    accuracy = printed_score("--metric", "accuracy")
    assert printed_score("--format-from", "tiny") == accuracy
    assert printed_score("--metric", "top_k_accuracy", "--top-k", "1") == accuracy
    assert printed_score("--metric", "top_k_accuracy", "--top-k", "3") == 1.0


def test_an_unknown_metric_is_refused_with_the_platforms_choices(cnn_run, capsys):
    with pytest.raises(SystemExit):
        main(["predict", str(cnn_run), "--metric", "f1"])
    assert "log_loss" in capsys.readouterr().err


def test_test_images_of_another_size_and_mode_are_loaded_as_the_training_ones(tmp_path):
    data = write_competition(tmp_path / "data")
    rng = np.random.default_rng(1)
    with zipfile.ZipFile(data / "test.zip", "w") as archive:
        for id_ in TEST_IDS:
            image = io.BytesIO()
            Image.fromarray(rng.integers(0, 255, (20, 20, 3), dtype=np.uint8)).save(image,
                                                                                   "PNG")
            archive.writestr(id_, image.getvalue())
    out = tmp_path / "cnn"
    assert main(["train", "--data", str(data), *TINY_CNN, "--out", str(out)]) == 0
    assert json.loads((out / "run.json").read_text())["input_shape"] == [16, 16, 1]
    assert 0 <= platform_score(out / "submission.csv") <= 1


def test_missing_test_images_are_reported_before_training(tmp_path, capsys):
    data = write_competition(tmp_path / "data")
    (data / "test.zip").unlink()
    out = tmp_path / "cnn"
    assert main(["train", "--data", str(data), *TINY_CNN, "--out", str(out)]) == 1
    assert "Neither test.zip nor a folder test/" in capsys.readouterr().err
    assert not (out / "run.json").exists()


def test_submit_runs_the_dry_run_first_and_uploads_nothing_invalid(cnn_run, capsys,
                                                                   monkeypatch):
    from kompe.client import Client

    problem = {"line": 2, "column": 2, "code": "unknown_label",
               "message": "Unknown label 'x'."}
    monkeypatch.setattr(Client, "validate", lambda client, slug, path: {
        "valid": False, "problem_count": 1, "problems": [problem]})

    def no_upload(*args, **kwargs):
        raise AssertionError("an invalid file was uploaded")

    monkeypatch.setattr(Client, "submit", no_upload)
    assert main(["submit", str(cnn_run), "-c", "tiny", "--url", "http://kompe.invalid"]) == 1
    printed = capsys.readouterr().out
    assert "nothing was uploaded" in printed and "line 2: Unknown label 'x'." in printed


def test_extractors_with_other_weights_never_share_cached_features(tiny_data):
    from baselines.train import TrainConfig, build_extractor, feature_key, prepare

    config = TrainConfig(data=tiny_data, model="features", weights="none", backbone_size=32,
                         cut_layer="block_2_add")
    prepared = prepare(config)
    ids = prepared.competition.train_ids

    def key(seed: int) -> str:
        settings = dataclasses.replace(config, seed=seed)
        return feature_key(settings, build_extractor(settings, prepared), prepared, "train",
                           ids)

    assert key(0) == key(0)  # seeded before each build: the same extractor, the same cache
    assert key(0) != key(1)
    # The same settings, other weights (an extractor built without seeding, say).
    other = build_extractor(config, prepared)
    other.set_weights([weight + 1 for weight in other.get_weights()])
    assert feature_key(config, other, prepared, "train", ids) != key(0)


def test_predict_scores_the_validation_rows_with_any_platform_metric(cnn_run, tmp_path,
                                                                    capsys):
    out = tmp_path / "probabilities.csv"
    assert main(["predict", str(cnn_run), "--metric", "log_loss", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Local validation log_loss" in printed


def test_lr_experiment_writes_curves_and_tables(tiny_data, tmp_path, capsys):
    out = tmp_path / "lr"
    assert main(["experiment", "lr", "--data", str(tiny_data), "--values", "0.5,0.01",
                 "--optimizer", "sgd", "--epochs", "2", "--quiet", "--out", str(out)]) == 0
    assert (out / "curves.png").read_bytes().startswith(b"\x89PNG")
    rows = list(csv.DictReader((out / "summary.csv").open(encoding="utf-8")))
    assert [row["setting"] for row in rows] == ["learning_rate=0.5", "learning_rate=0.01"]
    assert {"best_val_accuracy", "best_epoch", "learning_from_epoch", "seconds"} <= set(rows[0])
    table = (out / "summary.md").read_text(encoding="utf-8")
    assert table.startswith("| setting | best_val_accuracy |") and "learning_rate=0.01" in table
    assert (out / "history_0.01.csv").exists()


@pytest.mark.parametrize("name", ["activation", "optimizer", "depth"])
def test_every_curriculum_sweep_runs(tiny_data, tmp_path, name):
    values = {"activation": "relu,sigmoid", "optimizer": "sgd,adam", "depth": "1,2"}[name]
    out = tmp_path / name
    assert main(["experiment", name, "--data", str(tiny_data), "--values", values,
                 "--epochs", "1", "--quiet", "--out", str(out)]) == 0
    assert (out / "curves.png").exists()
    assert len((out / "summary.csv").read_text().splitlines()) == 3


def test_cut_layer_experiment_compares_depths_of_the_backbone(tiny_data, tmp_path):
    out = tmp_path / "cut"
    assert main(["experiment", "cut-layer", "--data", str(tiny_data), *BACKBONE,
                 "--values", "block_2_add,out_relu", "--quiet", "--out", str(out)]) == 0
    rows = list(csv.DictReader((out / "summary.csv").open(encoding="utf-8")))
    assert [row["setting"] for row in rows] == ["cut_layer=block_2_add", "cut_layer=out_relu"]
    assert [int(row["features"]) for row in rows] == [24, 1280]
    assert (out / "curves.png").read_bytes().startswith(b"\x89PNG")


def test_augment_preview_draws_originals_and_augmented_views(tiny_data, tmp_path, capsys):
    out = tmp_path / "preview.png"
    assert main(["augment-preview", "--data", str(tiny_data), "--images", "3", "--views", "4",
                 "--rotation", "20", "--hflip", "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"\x89PNG")
    assert "3 training images, the original and 4 augmented views" in capsys.readouterr().out


def test_augmentation_changes_images_only_when_training():
    from baselines.augment import AugmentSettings, build_augmentation

    layer = build_augmentation(AugmentSettings(rotation=30, shift=0.2))
    images = np.random.default_rng(0).uniform(0, 255, (4, 16, 16, 1)).astype("float32")
    assert not np.allclose(np.asarray(layer(images, training=True)), images)
    np.testing.assert_allclose(np.asarray(layer(images, training=False)), images)


def test_without_network_imagenet_weights_fail_with_the_offline_option(monkeypatch):
    import keras

    from baselines import models

    def no_network(*args, **kwargs):
        raise Exception("URL fetch failure on https://example.invalid/w.h5: None -- "
                        "[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(keras.utils, "get_file", no_network)
    monkeypatch.setattr("keras.src.applications.vgg16.file_utils.get_file", no_network)
    with pytest.raises(models.OfflineWeightsNeeded,
                       match="--weights torchvision-mobilenetv2"):
        models.build_backbone("vgg16", 32, "imagenet")


def test_errors_are_one_line_for_learners(tmp_path, capsys):
    assert main(["train", "--data", str(tmp_path / "nowhere")]) == 1
    assert capsys.readouterr().err.startswith("baselines: No train.csv in ")


@pytest.mark.parametrize(("backbone", "features"), [
    ("vgg16", 512), ("resnet50", 2048), ("efficientnetb0", 1280)])
def test_every_backbone_takes_small_grayscale_images_and_survives_saving(backbone, features,
                                                                         tmp_path):
    import keras

    from baselines import models

    extractor = models.build_feature_extractor((16, 16, 1), backbone=backbone,
                                               weights="none", image_size=32)
    images = np.random.default_rng(0).uniform(0, 255, (2, 16, 16, 1)).astype("float32")
    vectors = extractor.predict(images, verbose=0)
    assert vectors.shape == (2, features)
    extractor.save(tmp_path / "extractor.keras")
    reloaded = keras.saving.load_model(tmp_path / "extractor.keras")
    np.testing.assert_allclose(reloaded.predict(images, verbose=0), vectors, rtol=1e-4,
                               atol=1e-4)
