"""Train several models under one budget and compare them.

Chapters 8, 9 and 10 compare models that differ in one choice (the recurrent
cell, a convolution instead of a recurrence, a tuned setting). They train each
one with :func:`train_and_evaluate`, which applies the same recipe to every
model and returns a :class:`TrainingRecord`; :func:`results_table` and
:func:`plot_validation_curves` then turn the records into a table and a figure.
:func:`fit_resumable` trains so that a run killed half-way and started again
ends exactly where an uninterrupted run ends.

The recipe: ``model.fit`` with a validation split (the *last* part of the
training data, as Keras takes it), ``EarlyStopping`` on the validation
accuracy with ``restore_best_weights=True``, so that the test accuracy is the
one of the epoch with the best validation accuracy, and a callback that times
every epoch.

Example::

    from rnn_course.experiments import results_table, train_and_evaluate
    from rnn_course.models import build_text_classifier

    records = [
        train_and_evaluate(build_text_classifier(cell, maxlen=200), x_train, y_train,
                           x_test, y_test, name=cell, epochs=5)
        for cell in ("simple_rnn", "lstm")
    ]
    print(results_table(records))
"""

from __future__ import annotations

import math
import numbers
import os
import statistics
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import keras
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from rnn_course import _validate
from rnn_course.plotting import plot_curves

__all__ = [
    "EpochBatches",
    "EpochTimer",
    "TABLE_COLUMNS",
    "TrainingRecord",
    "accuracy_interval",
    "fit_resumable",
    "plot_validation_curves",
    "results_rows",
    "results_table",
    "train_and_evaluate",
]


class EpochTimer(keras.callbacks.Callback):
    """Keras callback that records the wall-clock seconds of every epoch.

    An epoch is timed from ``on_epoch_begin`` to ``on_epoch_end``: the
    training pass and, when there is one, the validation pass that Keras runs
    at the end of the epoch. After ``fit``, ``epoch_seconds`` holds one number
    per epoch run.
    """

    def __init__(self) -> None:
        super().__init__()
        self.epoch_seconds: list[float] = []
        self._start: float | None = None

    def on_train_begin(self, logs=None) -> None:
        self.epoch_seconds = []

    def on_epoch_begin(self, epoch, logs=None) -> None:
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None) -> None:
        if self._start is not None:
            self.epoch_seconds.append(time.perf_counter() - self._start)
            self._start = None


@dataclass(frozen=True)
class TrainingRecord:
    """What :func:`train_and_evaluate` measured for one model.

    Attributes:
        name: The model's name in tables and legends.
        params: ``model.count_params()``.
        epochs: Number of epochs run (early stopping may stop before the budget).
        best_epoch: The epoch (from 1) with the best validation accuracy; its
            weights are the ones evaluated on the test set.
        best_val_accuracy: The best validation accuracy.
        test_accuracy: Accuracy on the test set with the restored best weights.
        test_loss: Loss on the test set with the same weights.
        seconds_per_epoch: Median wall-clock seconds of the epochs after the
            first (the first also builds the computation graph); the first
            epoch's time when only one epoch ran.
        epoch_seconds: Seconds of every epoch, first included.
        history: ``{name: one value per epoch}`` as in ``History.history``
            (``loss``, ``accuracy``, ``val_loss``, ``val_accuracy``, ...).
    """

    name: str
    params: int
    epochs: int
    best_epoch: int
    best_val_accuracy: float
    test_accuracy: float
    test_loss: float
    seconds_per_epoch: float
    epoch_seconds: tuple[float, ...]
    history: dict[str, list[float]] = field(repr=False)

    def as_dict(self) -> dict[str, Any]:
        """The record as a plain dict (history and epoch times included)."""
        return {
            "name": self.name,
            "params": self.params,
            "epochs": self.epochs,
            "best_epoch": self.best_epoch,
            "best_val_accuracy": self.best_val_accuracy,
            "test_accuracy": self.test_accuracy,
            "test_loss": self.test_loss,
            "seconds_per_epoch": self.seconds_per_epoch,
            "epoch_seconds": list(self.epoch_seconds),
            "history": {k: list(v) for k, v in self.history.items()},
        }



def _count(name: str, x: Any) -> int:
    """Number of samples in ``x`` (an array or a list of arrays)."""
    if isinstance(x, (list, tuple)) and x and all(hasattr(a, "shape") for a in x):
        return len(x[0])
    if not hasattr(x, "__len__") or isinstance(x, (str, bytes, Mapping)) \
            or getattr(x, "ndim", 1) == 0:
        raise TypeError(f"{name} must be an array of samples, got {type(x).__name__}.")
    return len(x)


def _input_shape(model: Any) -> tuple | None:
    """The shape of a one-input model's input, ``(None, ...)``, else ``None``."""
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):  # a Sequential model that is not built yet
        return None
    return tuple(inputs[0].shape) if inputs and len(inputs) == 1 else None


def _check_samples(name: str, x: Any, model: Any = None) -> int:
    """Check that ``x`` holds finite real samples the model can read; return their count.

    ``x`` is an array ``(n, ...)``, or a list of arrays for a model with
    several inputs. Keras would refuse the same things, in messages that
    point deep into TensorFlow, or, for NaN word ids, not at all.
    """
    _count(name, x)
    parts = list(x) if isinstance(x, (list, tuple)) and x and all(
        hasattr(a, "shape") for a in x) else [x]
    for i, part in enumerate(parts):
        label = name if len(parts) == 1 else f"{name}[{i}]"
        array = _validate.real_array(label, part)
        if array.ndim == 0:
            raise TypeError(f"{label} must be an array of samples, got a single number.")
        _validate.check_finite(label, array)
    shape = _input_shape(model) if len(parts) == 1 and model is not None else None
    if shape is not None and (array.ndim != len(shape) or any(
            want is not None and got != want for got, want in zip(array.shape[1:], shape[1:]))):
        expected = "(n, " + ", ".join("any" if d is None else str(d) for d in shape[1:]) + ")"
        raise ValueError(f"{name} has shape {array.shape} but the model reads {expected}.")
    return len(parts[0])


def _accuracy_key(logs: Mapping[str, Any], prefix: str = "") -> str | None:
    for key in (f"{prefix}accuracy", f"{prefix}acc", f"{prefix}binary_accuracy"):
        if key in logs:
            return key
    return None


def train_and_evaluate(
    model: Any,
    x_train: Any,
    y_train: Any,
    x_test: Any,
    y_test: Any,
    *,
    name: str | None = None,
    epochs: int = 10,
    batch_size: int = 128,
    validation_split: float = 0.2,
    validation_data: tuple[Any, Any] | None = None,
    patience: int = 2,
    verbose: int = 0,
    callbacks: Sequence[Any] = (),
) -> TrainingRecord:
    """Train one compiled model under the shared budget and measure it.

    Args:
        model: A compiled ``keras.Model`` with an accuracy metric
            (``metrics=["accuracy"]``), for example from
            :func:`rnn_course.models.build_text_classifier`.
        x_train, y_train: Training data; the last ``validation_split`` of it
            is held out for validation unless ``validation_data`` is given.
        x_test, y_test: Test data, used once, after training.
        name: Name of the model in tables and legends (default: ``model.name``).
        epochs: The budget: at most this many epochs.
        batch_size: Batch size for training and evaluation.
        validation_split: Fraction of the training data held out, in (0, 1).
        validation_data: ``(x_val, y_val)`` instead of a split.
        patience: Epochs without a better validation accuracy before
            ``EarlyStopping`` stops training.
        verbose: Passed to ``fit`` and ``evaluate`` (0: silent).
        callbacks: More Keras callbacks for ``fit``.

    Returns:
        A :class:`TrainingRecord`.

    Raises:
        TypeError: ``model`` is not a Keras model, or the data are not arrays.
        ValueError: A setting is out of range, the data are empty or of
            different lengths, the model is not compiled, or it has no
            accuracy metric.
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}.")
    if not getattr(model, "compiled", False):
        raise ValueError("model is not compiled: call model.compile(...) first.")
    epochs = _validate.positive_int("epochs", epochs)
    batch_size = _validate.positive_int("batch_size", batch_size)
    patience = _validate.positive_int("patience", patience)
    if name is None:
        name = model.name
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"name must be a non-empty string, got {name!r}.")
    for x_name, x, y_name, y in (("x_train", x_train, "y_train", y_train),
                                 ("x_test", x_test, "y_test", y_test)):
        n_x, n_y = _check_samples(x_name, x, model), _check_samples(y_name, y)
        if n_x == 0:
            raise ValueError(f"{x_name} is empty.")
        if n_x != n_y:
            raise ValueError(f"{x_name} has {n_x} samples but {y_name} has {n_y}.")
    if validation_data is None:
        if isinstance(validation_split, bool) or not isinstance(validation_split, numbers.Real) \
                or not 0 < validation_split < 1:
            raise ValueError(f"validation_split must be between 0 and 1, got {validation_split!r}.")
        if int(_count("x_train", x_train) * validation_split) < 1:
            raise ValueError(
                f"validation_split={validation_split} of {_count('x_train', x_train)} samples "
                "leaves no validation sample."
            )
        split = {"validation_split": float(validation_split)}
    else:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise TypeError("validation_data must be a pair (x_val, y_val).")
        if _check_samples("validation_data[0]", validation_data[0], model) != _check_samples(
                "validation_data[1]", validation_data[1]):
            raise ValueError("validation_data holds a different number of inputs and targets.")
        split = {"validation_data": tuple(validation_data)}

    timer = EpochTimer()
    stopper = keras.callbacks.EarlyStopping(
        monitor="val_accuracy", mode="max", patience=patience, restore_best_weights=True
    )
    history = model.fit(
        x_train, y_train, epochs=epochs, batch_size=batch_size, verbose=verbose,
        callbacks=[timer, stopper, *callbacks], **split,
    )
    logs = {k: [float(v) for v in values] for k, values in history.history.items()}
    val_key = _accuracy_key(logs, "val_")
    if _accuracy_key(logs) is None or val_key is None:
        raise ValueError(
            "the model reports no accuracy: compile it with metrics=['accuracy']."
        )
    if val_key != "val_accuracy":  # EarlyStopping watched a missing key: keep it honest
        raise ValueError(f"the accuracy metric must be named 'accuracy', not {val_key[4:]!r}.")
    val_accuracy = logs[val_key]
    best = int(np.argmax(val_accuracy))
    scores = model.evaluate(x_test, y_test, batch_size=batch_size, verbose=verbose,
                            return_dict=True)
    test_key = _accuracy_key(scores)
    seconds = timer.epoch_seconds
    return TrainingRecord(
        name=name,
        params=int(model.count_params()),
        epochs=len(val_accuracy),
        best_epoch=best + 1,
        best_val_accuracy=float(val_accuracy[best]),
        test_accuracy=float(scores[test_key]),
        test_loss=float(scores["loss"]),
        seconds_per_epoch=float(statistics.median(seconds[1:] or seconds)),
        epoch_seconds=tuple(float(s) for s in seconds),
        history=logs,
    )


class EpochBatches(keras.utils.PyDataset):
    """Mini-batches of ``(x, y)`` whose order depends only on the seed and the epoch.

    ``fit(x, y, shuffle=True)`` draws the order from global random state
    that a restart does not restore. With the NumPy and JAX backends that is
    NumPy's state, which a restarted run seeds afresh, so the epoch it resumes
    at is shuffled like the first epoch of an uninterrupted run and the two
    runs part ways; with TensorFlow and a global seed (``set_random_seed``)
    every epoch even gets the same order. Here epoch ``e`` visits the samples
    in the order ``default_rng((seed, e)).permutation(n)``: a new order every
    epoch, the same in whichever process trains it. Keras does not tell a
    dataset which epoch it is in: pass :attr:`callback` to ``fit`` too, with
    ``shuffle=False`` (:func:`fit_resumable` does both).

    Args:
        x: Inputs, an array of shape ``(n, ...)``.
        y: Targets, an array of shape ``(n, ...)``.
        batch_size: Samples per batch; the last batch of an epoch may be smaller.
        seed: Seed of the orders (a non-negative integer).

    Each item is a batch ``(x[idx], y[idx])``: ``(batch_size, ...)`` arrays.
    """

    def __init__(self, x: Any, y: Any, batch_size: int = 128, seed: int = 0) -> None:
        super().__init__()
        _check_samples("x", x)
        _check_samples("y", y)
        x, y = np.asarray(x), np.asarray(y)
        if len(x) == 0:
            raise ValueError("x is empty: pass at least one sample.")
        if len(x) != len(y):
            raise ValueError(f"x has {len(x)} samples but y has {len(y)}.")
        self.x, self.y = x, y
        self.batch_size = _validate.positive_int("batch_size", batch_size)
        self.seed = _validate.seed("seed", seed)
        self.epoch = 0
        self._order_epoch: int | None = None
        self._order = np.arange(len(x))
        self.callback = _EpochSetter(self)

    def __len__(self) -> int:
        return math.ceil(len(self.x) / self.batch_size)

    def order(self, epoch: int) -> np.ndarray:
        """The sample indices of ``epoch`` (from 0), in the order they are visited."""
        return np.random.default_rng((self.seed, int(epoch))).permutation(len(self.x))

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        if self._order_epoch != self.epoch:
            self._order, self._order_epoch = self.order(self.epoch), self.epoch
        idx = self._order[index * self.batch_size:(index + 1) * self.batch_size]
        return self.x[idx], self.y[idx]


class _EpochSetter(keras.callbacks.Callback):
    """Tells an :class:`EpochBatches` the epoch ``fit`` is starting."""

    def __init__(self, batches: EpochBatches) -> None:
        super().__init__()
        self._batches = batches

    def on_epoch_begin(self, epoch, logs=None) -> None:
        # Keras creates the epoch's data iterator after this call, so every
        # batch of the epoch is read with the new order.
        self._batches.epoch = int(epoch)


def fit_resumable(
    model: Any,
    x: Any,
    y: Any,
    *,
    backup_dir: str | os.PathLike,
    epochs: int,
    batch_size: int = 128,
    seed: int = 0,
    validation_data: tuple[Any, Any] | None = None,
    callbacks: Sequence[Any] = (),
    verbose: int = 0,
) -> keras.callbacks.History:
    """Train with ``BackupAndRestore`` so that a restarted run repeats an uninterrupted one.

    At the end of every epoch ``keras.callbacks.BackupAndRestore`` saves the
    weights, the optimizer's state and the number of finished epochs to
    ``backup_dir``. Call this function again with the same arguments after a
    crash (even in a new process) and it loads that backup and trains only
    the epochs that are left, each on the same batches
    (:class:`EpochBatches`) as an uninterrupted run. With the same seeds and
    deterministic ops (:func:`rnn_course.notebook.set_seed`) on the same
    machine, it ends with the same weights, bit for bit. When training
    finishes the backup is deleted.

    Args:
        model: A compiled, built ``keras.Model``.
        x: Inputs ``(n, ...)``.
        y: Targets ``(n, ...)``.
        backup_dir: Folder for the backup; keep it fixed between attempts.
        epochs: Total number of epochs, those of earlier attempts included.
        batch_size: Samples per batch.
        seed: Seed of the batch orders.
        validation_data: ``(x_val, y_val)``, evaluated after every epoch.
        callbacks: More Keras callbacks for ``fit``.
        verbose: Passed to ``fit``.

    Returns:
        The ``History`` of this call: ``history.epoch`` lists the epochs (from
        0) it trained, which start after the last one backed up.
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}.")
    if not getattr(model, "compiled", False):
        raise ValueError("model is not compiled: call model.compile(...) first.")
    if not isinstance(backup_dir, (str, os.PathLike)) or not str(backup_dir).strip():
        raise TypeError(f"backup_dir must be a folder path, got {backup_dir!r}.")
    epochs = _validate.positive_int("epochs", epochs)
    _check_samples("x", x, model)
    batches = EpochBatches(x, y, batch_size=batch_size, seed=seed)
    if validation_data is not None and (
            not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2):
        raise TypeError("validation_data must be a pair (x_val, y_val).")
    if validation_data is not None and _check_samples(
            "validation_data[0]", validation_data[0], model) != _check_samples(
            "validation_data[1]", validation_data[1]):
        raise ValueError("validation_data holds a different number of inputs and targets.")
    backup = keras.callbacks.BackupAndRestore(backup_dir=os.fspath(backup_dir))
    # shuffle=False: with True, Keras would also reorder the batches with
    # Python's global random state, which a restart does not restore.
    return model.fit(
        batches, epochs=epochs, shuffle=False, verbose=verbose,
        validation_data=None if validation_data is None else tuple(validation_data),
        callbacks=[backup, batches.callback, *callbacks],
    )


#: The columns of :func:`results_rows` and :func:`results_table`, in order.
TABLE_COLUMNS = (
    "model",
    "parameters",
    "seconds per epoch",
    "epochs run",
    "best epoch",
    "best validation accuracy",
    "test accuracy",
)


def _check_records(records: Any) -> list[TrainingRecord]:
    if isinstance(records, TrainingRecord):
        records = [records]
    if isinstance(records, (str, bytes, Mapping)) or not isinstance(records, Sequence):
        raise TypeError(
            f"records must be a list of TrainingRecord, got {type(records).__name__}."
        )
    if not records:
        raise ValueError("records is empty: pass at least one TrainingRecord.")
    for i, record in enumerate(records):
        if not isinstance(record, TrainingRecord):
            raise TypeError(
                f"records[{i}] must be a TrainingRecord (from train_and_evaluate), "
                f"got {type(record).__name__}."
            )
    names = [r.name for r in records]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"records have the same name twice: {', '.join(duplicates)}.")
    return list(records)


def accuracy_interval(accuracy: float, n: int) -> tuple[float, float]:
    """The 95 % interval of an accuracy measured on ``n`` examples.

    The normal approximation of Chapter 6: ``accuracy`` plus or minus 1.96
    standard errors, the standard error being ``sqrt(p (1 - p) / n)``.

    Returns:
        ``(low, high)``; a model beats chance when ``low`` is above it.
    """
    accuracy = _validate.finite_number("accuracy", accuracy)
    if not 0 <= accuracy <= 1:
        raise ValueError(f"accuracy must be between 0 and 1, got {accuracy!r}.")
    n = _validate.positive_int("n", n)
    half_width = 1.96 * math.sqrt(accuracy * (1 - accuracy) / n)
    return accuracy - half_width, accuracy + half_width


def results_rows(records: Sequence[TrainingRecord]) -> list[dict[str, Any]]:
    """One dict per record, with the keys of :data:`TABLE_COLUMNS`.

    The values are numbers (not strings), ready for sorting or for
    ``pandas.DataFrame(rows)``.
    """
    return [
        {
            "model": r.name,
            "parameters": r.params,
            "seconds per epoch": r.seconds_per_epoch,
            "epochs run": r.epochs,
            "best epoch": r.best_epoch,
            "best validation accuracy": r.best_val_accuracy,
            "test accuracy": r.test_accuracy,
        }
        for r in _check_records(records)
    ]


def results_table(records: Sequence[TrainingRecord], digits: int = 3) -> str:
    """A Markdown table of the records, one row per model.

    Parameters get thousands separators, seconds one decimal, accuracies
    ``digits`` decimals. The text reads as a table in a terminal too; in a
    notebook, ``IPython.display.Markdown(results_table(records))`` renders it.

    Args:
        records: Records from :func:`train_and_evaluate`, in the order of the rows.
        digits: Decimals of the accuracies (0 to 6).

    Returns:
        The table as Markdown text, lines separated by ``\\n``.
    """
    if isinstance(digits, bool) or not isinstance(digits, numbers.Integral) \
            or not 0 <= digits <= 6:
        raise ValueError(f"digits must be an integer from 0 to 6, got {digits!r}.")
    cells = []
    for row in results_rows(records):
        cells.append([
            str(row["model"]),
            f"{row['parameters']:,}",
            f"{row['seconds per epoch']:.1f}",
            str(row["epochs run"]),
            str(row["best epoch"]),
            f"{row['best validation accuracy']:.{digits}f}",
            f"{row['test accuracy']:.{digits}f}",
        ])
    widths = [max(len(col), *(len(c[i]) for c in cells)) for i, col in enumerate(TABLE_COLUMNS)]

    def line(values: Sequence[str]) -> str:
        padded = [v.ljust(w) if i == 0 else v.rjust(w)
                  for i, (v, w) in enumerate(zip(values, widths))]
        return "| " + " | ".join(padded) + " |"

    rule = "| " + " | ".join(
        "-" * w if i == 0 else "-" * (w - 1) + ":" for i, w in enumerate(widths)
    ) + " |"
    return "\n".join([line(TABLE_COLUMNS), rule, *(line(c) for c in cells)])


def plot_validation_curves(
    records: Sequence[TrainingRecord],
    metric: str = "val_accuracy",
    title: str | None = None,
    baseline: float | None = None,
    baseline_label: str = "guessing",
) -> Figure:
    """Every model's curve of ``metric`` per epoch, on one axes.

    Models are told apart by colour (Okabe-Ito), line style and marker; a
    black ring marks each model's best epoch (the weights kept by early
    stopping).

    Args:
        records: Records from :func:`train_and_evaluate`.
        metric: A key of the histories, such as ``"val_accuracy"`` (default),
            ``"val_loss"`` or ``"accuracy"``.
        title: Title of the axes (default: from the metric).
        baseline: Draw a thin dotted black line at this value, for example
            ``0.5``, the accuracy of guessing on balanced binary labels.
        baseline_label: The legend's name for that line.

    Returns:
        The figure (not shown; it displays under the notebook cell).
    """
    records = _check_records(records)
    if not isinstance(metric, str) or not metric:
        raise TypeError(f"metric must be a history key such as 'val_accuracy', got {metric!r}.")
    for r in records:
        if metric not in r.history:
            keys = ", ".join(repr(k) for k in r.history) or "none"
            raise ValueError(f"the history of {r.name!r} has no {metric!r} (keys: {keys}).")
    title = _validate.text("title", title, none_ok=True)
    baseline_label = _validate.text("baseline_label", baseline_label)
    if baseline is not None and (isinstance(baseline, bool) or not isinstance(
            baseline, numbers.Real) or not math.isfinite(baseline)):
        raise ValueError(f"baseline must be a finite number or None, got {baseline!r}.")
    label = metric.replace("val_", "validation ").replace("_", " ")
    fig = plot_curves(
        {r.name: r.history[metric] for r in records},
        xlabel="epoch",
        ylabel=label,
        title=title or f"{label.capitalize()} per epoch",
    )
    ax = fig.axes[0]
    for r in records:
        value = r.history[metric][r.best_epoch - 1]
        if math.isfinite(value):
            ax.plot(r.best_epoch, value, marker="o", markersize=13, markerfacecolor="none",
                    markeredgecolor="black", linestyle="none")
    ax.plot([], [], marker="o", markersize=10, markerfacecolor="none", markeredgecolor="black",
            linestyle="none", label="best epoch (weights kept)")
    if baseline is not None:
        ax.axhline(float(baseline), color="black", linestyle=":", linewidth=1,
                   label=str(baseline_label))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend()
    return fig
