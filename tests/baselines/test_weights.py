"""The offline ImageNet weights: torchvision's MobileNetV2 read without torch, ported to Keras."""

import importlib.util
import pickle
import shutil

import pytest

from baselines import weights
from tests.conftest import skip_or_fail


@pytest.fixture(scope="module")
def checkpoint():
    try:
        return weights.checkpoint_path()
    except weights.WeightsError as error:
        skip_or_fail(f"{error} (make test installs it)")


def test_the_ported_mobilenetv2_names_the_bundled_photos(checkpoint):
    if importlib.util.find_spec("skimage") is None:
        skip_or_fail("scikit-image (its bundled photos) comes with the baselines extra")
    top = dict(weights.classify_photos(top=1))
    (cat, cat_probability), = top["chelsea"]
    (cup, cup_probability), = top["coffee"]
    assert cat == "Egyptian cat" and cat_probability > 0.6
    assert cup == "espresso" and cup_probability > 0.85


def test_the_checkpoint_is_read_whole_without_torch(checkpoint):
    state = weights.read_legacy_torch(checkpoint)
    assert state["features.0.0.weight"].shape == (32, 3, 3, 3)
    assert state["classifier.1.weight"].shape == (1000, 1280)
    assert state["features.18.1.num_batches_tracked"].dtype.name == "int64"


def test_a_changed_checkpoint_is_refused(checkpoint, tmp_path):
    copy = tmp_path / weights.CHECKPOINT_NAME
    shutil.copyfile(checkpoint, copy)
    with copy.open("r+b") as handle:
        handle.seek(-4, 2)
        handle.write(b"\0\0\0\0")
    with pytest.raises(weights.WeightsError, match="expected b03531"):
        weights.verify_checksum(copy)


def test_a_weights_file_cannot_run_code(tmp_path):
    hostile = tmp_path / "hostile.pth"
    hostile.write_bytes(pickle.dumps(weights.LEGACY_MAGIC) + pickle.dumps(weights.LEGACY_PROTOCOL)
                        + pickle.dumps({}) + pickle.dumps(print))
    with pytest.raises(weights.WeightsError, match="refusing to load builtins.print"):
        weights.read_legacy_torch(hostile)


def test_imagenet_class_names_are_shipped_in_the_standard_order():
    classes = weights.imagenet_classes()
    assert len(classes) == 1000
    assert (classes[0], classes[285], classes[967]) == ("tench", "Egyptian cat", "espresso")
