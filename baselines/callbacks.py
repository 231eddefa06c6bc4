"""The training callbacks of the course: checkpoint the best epoch, stop early and restore it,
schedule the learning rate, log every epoch to CSV; and a wall-clock budget."""

import math
import time
from pathlib import Path

import keras

DEFAULT_PATIENCE = 8
SCHEDULES = ("cosine", "plateau", "constant")


def cosine_schedule(learning_rate: float, epochs: int, warmup: int = 1,
                    floor: float = 0.01):
    """Warm up linearly for `warmup` epochs, then follow half a cosine down to
    `floor` x the initial rate at the last epoch."""

    def rate(epoch: int, _current: float = 0.0) -> float:
        if epoch < warmup:
            return learning_rate * (epoch + 1) / (warmup + 1)
        progress = (epoch - warmup) / max(1, epochs - warmup - 1)
        return learning_rate * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi
                                                                          * min(1, progress))))
    return rate


class TimeBudget(keras.callbacks.Callback):
    """Stops training after the epoch that crosses `minutes` (a benchmark's budget)."""

    def __init__(self, minutes: float):
        super().__init__()
        self.seconds = minutes * 60
        self.started = time.monotonic()
        self.stopped_at: int | None = None

    def on_train_begin(self, logs=None):
        self.started = time.monotonic()

    def on_epoch_end(self, epoch, logs=None):
        if time.monotonic() - self.started > self.seconds:
            self.model.stop_training = True
            self.stopped_at = epoch + 1


def make_callbacks(out_dir: Path, *, epochs: int, learning_rate: float,
                   schedule: str = "cosine", patience: int = DEFAULT_PATIENCE,
                   time_budget_minutes: float | None = None,
                   log_name: str = "history.csv", checkpoint: bool = True,
                   monitor: str = "val_accuracy") -> list[keras.callbacks.Callback]:
    """ModelCheckpoint keeps the best epoch on disk (a crash late in training loses nothing),
    EarlyStopping stops when validation stops improving and restores the best weights,
    the schedule lowers the learning rate, CSVLogger records the learning curve."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    callbacks: list[keras.callbacks.Callback] = [
        keras.callbacks.CSVLogger(str(out_dir / log_name)),
        keras.callbacks.EarlyStopping(monitor=monitor, mode="max", patience=patience,
                                      restore_best_weights=True, verbose=1),
    ]
    if checkpoint:
        callbacks.append(keras.callbacks.ModelCheckpoint(
            str(out_dir / "checkpoint.keras"), monitor=monitor, mode="max",
            save_best_only=True))
    if schedule == "cosine":
        callbacks.append(keras.callbacks.LearningRateScheduler(
            cosine_schedule(learning_rate, epochs)))
    elif schedule == "plateau":
        callbacks.append(keras.callbacks.ReduceLROnPlateau(
            monitor="val_loss", factor=0.3, patience=max(1, patience // 3), min_lr=1e-6,
            verbose=1))
    elif schedule != "constant":
        raise ValueError(f"Unknown schedule {schedule!r}: choose from {', '.join(SCHEDULES)}.")
    if time_budget_minutes:
        callbacks.append(TimeBudget(time_budget_minutes))
    return callbacks
