"""The offline ImageNet weights: torchvision's MobileNetV2 read without torch, ported to Keras."""

import importlib.util
import io
import os
import pickle
import shutil
import struct
from collections import OrderedDict

import numpy as np
import pytest

from baselines import weights
from tests.conftest import skip_or_fail


@pytest.fixture(scope="module")
def checkpoint():
    try:
        return weights.checkpoint_path()
    except weights.WeightsError as error:
        skip_or_fail(f"{error} (make test installs it)")


# torchvision's MobileNetV2 (torch 2.13) on the same inputs: photo_input of scikit-image's
# chelsea and coffee, the checkpoint above.
TORCH_PROBABILITIES = {"chelsea": ("Egyptian cat", 0.7451), "coffee": ("espresso", 0.9907)}


def test_the_ported_mobilenetv2_gives_torchvisions_probabilities(checkpoint):
    if importlib.util.find_spec("skimage") is None:
        skip_or_fail("scikit-image (its bundled photos) comes with the baselines extra")
    top = dict(weights.classify_photos(top=1))
    for photo, (label, probability) in TORCH_PROBABILITIES.items():
        (found, found_probability), = top[photo]
        assert found == label
        # Keras' own (0, 1) padding gives 0.776 and 0.945: the padding must be torchvision's.
        assert found_probability == pytest.approx(probability, abs=1e-2)


def test_the_offline_backbone_cuts_at_a_named_block_and_saves(checkpoint, tmp_path):
    import keras

    from baselines import models

    extractor = models.build_feature_extractor(
        (40, 40, 1), backbone="mobilenetv2", weights=weights.WEIGHTS_NAME, image_size=96,
        cut_layer="block_12_add", pool="avg2x2")
    glyphs = np.random.default_rng(0).uniform(0, 255, (2, 40, 40, 1)).astype("float32")
    features = extractor.predict(glyphs, verbose=0)
    assert features.shape == (2, 4 * 96)
    extractor.save(tmp_path / "extractor.keras")
    reloaded = keras.models.load_model(tmp_path / "extractor.keras")
    np.testing.assert_allclose(reloaded.predict(glyphs, verbose=0), features, atol=1e-5)


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
        weights.read_legacy_torch(copy, sha256=weights.CHECKPOINT_SHA256)


# --- hand-made legacy files (no torch needed) -------------------------------------------
# Stand-ins pickled under this module's name, then renamed to torch's in the bytes: protocol
# 2 writes every global as the text "c<module>\n<name>\n".

def _rebuild_tensor_v2(*args):
    raise AssertionError("only pickled, never called")


class FloatStorage:
    pass


class _StorageRef:
    def __init__(self, key: str, size: int):
        self.key, self.size = key, size


class _Tensor:
    def __init__(self, storage: _StorageRef, offset: int, shape: tuple, stride: tuple):
        self.args = (storage, offset, shape, stride, False, OrderedDict())

    def __reduce__(self):
        return _rebuild_tensor_v2, self.args


class _TensorRewritten(_Tensor):
    """A tensor whose pickle rewrites its shape and stride once rebuilt (BUILD)."""

    def __reduce__(self):
        return _rebuild_tensor_v2, self.args, {"shape": (1_000_000,), "stride": (1000,)}


class _StatePickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, _StorageRef):
            return "storage", FloatStorage, obj.key, "cpu", obj.size, None
        return None


def _as_torch(data: bytes) -> bytes:
    for name, module in (("_rebuild_tensor_v2", "torch._utils"), ("FloatStorage", "torch")):
        data = data.replace(f"c{__name__}\n{name}\n".encode(), f"c{module}\n{name}\n".encode())
    return data


class Payload:
    """Runs code when unpickled by a plain unpickler: makes the directory `marker`."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return os.mkdir, (self.marker,)


def legacy_file(path, *, state=None, storages=None, keys=None, magic=weights.LEGACY_MAGIC,
                protocol=weights.LEGACY_PROTOCOL, sys_info=None, short_by=0):
    """A file as torch.save(state, path, _use_new_zipfile_serialization=False) writes it."""
    storages = storages or []
    state_bytes = io.BytesIO()
    _StatePickler(state_bytes, protocol=2).dump(OrderedDict() if state is None else state)
    data = b"".join([pickle.dumps(magic, protocol=2), pickle.dumps(protocol, protocol=2),
                     pickle.dumps({"little_endian": True} if sys_info is None else sys_info,
                              protocol=2),
                     _as_torch(state_bytes.getvalue()),
                     pickle.dumps([s.key for s in storages] if keys is None else keys,
                                  protocol=2)])
    for storage in storages:
        data += struct.pack("<q", storage.size)
        data += np.arange(storage.size, dtype="<f4").tobytes()
    path.write_bytes(data[:len(data) - short_by])
    return path


def test_a_hand_made_legacy_file_is_read(tmp_path):
    storage = _StorageRef("0", 6)
    path = legacy_file(tmp_path / "w.pth", state=OrderedDict(w=_Tensor(storage, 1, (2, 2), (3, 1))),
                       storages=[storage])
    assert weights.read_legacy_torch(path)["w"].tolist() == [[1, 2], [4, 5]]


@pytest.mark.parametrize("place", ["magic", "protocol", "sys_info", "state", "keys"])
def test_code_in_any_pickle_of_a_weights_file_never_runs(tmp_path, place):
    marker = tmp_path / "code-ran"
    pickle.loads(pickle.dumps(Payload(marker)))  # the payload is live for a plain unpickler
    assert marker.exists()
    marker.rmdir()
    payload = Payload(marker)
    hostile = {"magic": {"magic": payload}, "protocol": {"protocol": payload},
               "sys_info": {"sys_info": {"little_endian": True, "x": payload}},
               "state": {"state": OrderedDict(w=payload)},
               "keys": {"keys": [payload]}}[place]
    path = legacy_file(tmp_path / "hostile.pth", **hostile)
    with pytest.raises(weights.WeightsError, match="refusing to load"):
        weights.read_legacy_torch(path)
    assert not marker.exists()


def test_a_checked_tensor_cannot_be_rewritten_by_its_pickle(tmp_path):
    storage = _StorageRef("0", 4)
    path = legacy_file(tmp_path / "w.pth",
                       state=OrderedDict(w=_TensorRewritten(storage, 0, (4,), (1,))),
                       storages=[storage])
    with pytest.raises(weights.WeightsError, match="refusing to change"):
        weights.read_legacy_torch(path)


def _one_tensor(tmp_path, offset=0, shape=(4,), stride=(1,), size=4, **kwargs):
    storage = _StorageRef("0", size)
    return legacy_file(tmp_path / "w.pth",
                       state=OrderedDict(w=_Tensor(storage, offset, shape, stride)),
                       storages=[storage], **kwargs)


@pytest.mark.parametrize("tensor, message", [
    ({"shape": (1_000_000,), "stride": (1000,)}, "reaches element"),  # as_strided: SIGSEGV
    ({"offset": 3, "shape": (2,)}, "reaches element"),
    ({"offset": -1}, "bad offset"),
    ({"stride": (-1,)}, "bad offset"),
    ({"shape": (750_000_000,), "stride": (0,)}, "more than"),  # 3 GB from 16 bytes
    ({"short_by": 4}, "cut short"),
    ({"short_by": 20}, "ends before storage 0"),
    ({"keys": ["0", "zz"]}, "are not the ones"),
    ({"keys": []}, "are not the ones"),
    ({"magic": 12}, "not a legacy PyTorch file"),
    ({"sys_info": [1]}, "not a dict"),
], ids=["out of bounds", "past the end", "negative offset", "negative stride", "huge view",
        "truncated storage", "missing storage", "unknown key", "unfilled storage", "magic",
        "sys info"])
def test_a_malformed_weights_file_is_a_weights_error(tmp_path, tensor, message):
    with pytest.raises(weights.WeightsError, match=message):
        weights.read_legacy_torch(_one_tensor(tmp_path, **tensor))


def test_imagenet_class_names_are_shipped_in_the_standard_order():
    classes = weights.imagenet_classes()
    assert len(classes) == 1000
    assert (classes[0], classes[285], classes[967]) == ("tench", "Egyptian cat", "espresso")
