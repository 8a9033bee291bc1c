"""Training, timing and comparing models: the course's trainers and tables.

Chapters 8, 9 and 10 compare models that differ in one choice (the recurrent
cell, a convolution instead of a recurrence, a tuned setting). They train each
one with :func:`train_and_evaluate`, which applies the same recipe to every
model and returns a :class:`TrainingRecord`; :func:`results_table` and
:func:`plot_validation_curves` then turn the records into a table and a figure.
Appendix A and ``make bench`` train the same classifier with Chapter 6's
input pipeline or with the fast one of :mod:`rnn_course.batching`
(:func:`train_with_recipe`). Both time their epochs with :class:`EpochTimer`
and report :func:`steady_seconds`.

The recipe: ``model.fit`` with a validation split (the *last* part of the
training data, as Keras takes it), ``EarlyStopping`` on the validation
accuracy with ``restore_best_weights=True``, so that the test accuracy is the
one of the epoch with the best validation accuracy, and a callback that times
every epoch.

Example::

    from rnn_course.training import results_table, train_and_evaluate
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
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import keras
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from rnn_course import _validate, batching, models
from rnn_course.plotting import plot_curves
from rnn_course.tables import markdown_table

__all__ = [
    "FAST_RECIPE",
    "RECIPES",
    "SEEDS_RECIPE",
    "EpochTimer",
    "TABLE_COLUMNS",
    "TrainingRecord",
    "accuracy_interval",
    "plot_validation_curves",
    "results_rows",
    "results_table",
    "steady_seconds",
    "train_and_evaluate",
    "train_with_recipe",
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


def _fit_timed(model: Any, *data: Any, callbacks: Sequence[Any] = (),
               **fit_kwargs: Any) -> tuple[dict[str, list[float]], list[float]]:
    """The one training loop under both trainers: ``model.fit``, every epoch timed.

    :func:`train_and_evaluate` (the chapters) and :func:`train_with_recipe`
    (Appendix A and ``make bench``) both train through here, so their epoch
    times are measured the same way (:class:`EpochTimer`).

    Returns:
        The history, ``{name: one float per epoch}``, and the seconds of
        every epoch.
    """
    timer = EpochTimer()
    history = model.fit(*data, callbacks=[timer, *callbacks], **fit_kwargs)
    logs = {k: [float(v) for v in values] for k, values in history.history.items()}
    return logs, timer.epoch_seconds


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
            raise ValueError(
                "validation_split must be between 0 and 1, got "
                f"{validation_split!r}.")
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

    stopper = keras.callbacks.EarlyStopping(
        monitor="val_accuracy", mode="max", patience=patience, restore_best_weights=True
    )
    logs, seconds = _fit_timed(
        model, x_train, y_train, epochs=epochs, batch_size=batch_size, verbose=verbose,
        callbacks=[stopper, *callbacks], **split,
    )
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
    return TrainingRecord(
        name=name,
        params=int(model.count_params()),
        epochs=len(val_accuracy),
        best_epoch=best + 1,
        best_val_accuracy=float(val_accuracy[best]),
        test_accuracy=float(scores[test_key]),
        test_loss=float(scores["loss"]),
        seconds_per_epoch=steady_seconds(seconds),
        epoch_seconds=tuple(float(s) for s in seconds),
        history=logs,
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
    align = ["left"] + ["right"] * (len(TABLE_COLUMNS) - 1)
    return markdown_table(TABLE_COLUMNS, cells, align)


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


#: Chapter 6's recipe: every review padded (before its text) or cut to 500
#: ids, NumPy arrays into ``fit``, batches of 128.
SEEDS_RECIPE = {"maxlen": 500, "batch_size": 128, "learning_rate": 1e-3}


#: Appendix A's recipe: a cut that keeps 90 % of the reviews whole, length
#: buckets padded per batch (after the text) and masked, ``tf.data`` with
#: prefetch, batches of 256 and, since twice the batch makes half as many
#: updates per epoch, twice the learning rate.
FAST_RECIPE = {"coverage": 0.9, "batch_size": 256, "learning_rate": 2e-3}


RECIPES = {"seeds": SEEDS_RECIPE, "fast": FAST_RECIPE}


def steady_seconds(epoch_seconds: Sequence[float]) -> float:
    """Seconds per epoch once training runs steadily: the median after the first epoch.

    The first epoch also traces (and, with XLA, compiles) the training step;
    with a single epoch its time is all there is.
    """
    if isinstance(epoch_seconds, (str, bytes)) or not isinstance(epoch_seconds, Sequence) \
            or not epoch_seconds:
        raise ValueError("epoch_seconds must be a non-empty list of seconds.")
    seconds = _validate.finite_array("epoch_seconds", list(epoch_seconds), ndim=1)
    if (seconds < 0).any():
        raise ValueError(f"epoch_seconds must not be negative, got {float(seconds.min())!r}.")
    later = list(epoch_seconds[1:]) or list(epoch_seconds)
    return float(np.median(later))


def train_with_recipe(recipe: str, cell: str, x_train: Any, y_train: Any, x_val: Any,
                      y_val: Any, epochs: int, seed: int = 0,
                      batch_size: int | None = None) -> dict:
    """Train the course's classifier with one recipe; time its epochs and validate it.

    Both recipes build the same model (:func:`rnn_course.models.build_text_classifier`,
    RMSprop) from the same seed; only the input pipeline, the padding and the
    batch size differ. The time of an epoch is training only; validation
    runs once, after the last epoch, on each recipe's own preprocessing of
    the same reviews.

    Args:
        recipe: ``"seeds"`` (:data:`SEEDS_RECIPE`) or ``"fast"`` (:data:`FAST_RECIPE`).
        cell: ``"simple_rnn"``, ``"lstm"`` or ``"gru"``.
        x_train, y_train: Training reviews (lists of ids) and 0/1 labels.
        x_val, y_val: Validation reviews and labels.
        epochs: Epochs to train.
        seed: Seed of the weights and of the shuffles.
        batch_size: Change the recipe's batch size (``None`` keeps it).

    Returns:
        ``{"recipe", "cell", "epochs", "seconds_per_epoch", "val_accuracy",
        "train_size", "details"}``; ``seconds_per_epoch`` is
        :func:`steady_seconds` of the epochs, ``details`` holds the settings,
        the cut and every epoch's seconds.
    """
    import keras

    if not isinstance(recipe, str) or recipe not in RECIPES:
        raise ValueError(f"recipe must be 'seeds' or 'fast', got {recipe!r:.60}.")
    if not isinstance(cell, str) or cell not in ("simple_rnn", "lstm", "gru"):
        raise ValueError(f"cell must be 'simple_rnn', 'lstm' or 'gru', got {cell!r:.60}.")
    epochs = _validate.positive_int("epochs", epochs)
    seed = _validate.seed("seed", seed)
    y_train = batching._labels(y_train, batching._reviews(x_train, "x_train").size, "y_train")
    y_val = batching._labels(y_val, batching._reviews(x_val, "x_val").size, "y_val")
    if batch_size is None:
        batch_size = RECIPES[recipe]["batch_size"]
    batch_size = _validate.positive_int("batch_size", batch_size)
    keras.utils.set_random_seed(seed)
    if recipe == "seeds":
        maxlen = SEEDS_RECIPE["maxlen"]
        model = models.build_text_classifier(
            cell, maxlen=maxlen, learning_rate=SEEDS_RECIPE["learning_rate"]
        )
        _, epoch_seconds = _fit_timed(
            model, keras.utils.pad_sequences(x_train, maxlen=maxlen), y_train,
            batch_size=batch_size, epochs=epochs, verbose=0,
        )
        _, accuracy = model.evaluate(keras.utils.pad_sequences(x_val, maxlen=maxlen),
                                     y_val, batch_size=512, verbose=0)
        details = {"maxlen": maxlen, "batch_size": batch_size, "padding": "pre, to maxlen",
                   "mask_zero": False, "input": "NumPy arrays"}
    else:
        maxlen = batching.length_cut(x_train, coverage=FAST_RECIPE["coverage"])
        model = models.build_fast_classifier(cell, learning_rate=FAST_RECIPE["learning_rate"])
        # The dataset shuffles itself; fit's own shuffle does not apply to it.
        _, epoch_seconds = _fit_timed(
            model, batching.bucketed_dataset(x_train, y_train, maxlen, batch_size, seed=seed),
            epochs=epochs, shuffle=False, verbose=0,
        )
        _, accuracy = model.evaluate(
            batching.bucketed_dataset(x_val, y_val, maxlen, 512, shuffle=False), verbose=0)
        details = {"maxlen": maxlen, "coverage": FAST_RECIPE["coverage"],
                   "batch_size": batch_size, "padding": "post, per length bucket",
                   "mask_zero": True, "input": "tf.data with prefetch"}
    details["learning_rate"] = RECIPES[recipe]["learning_rate"]
    details["jit_compile"] = bool(model.jit_compile)
    details["epoch_seconds"] = [round(s, 3) for s in epoch_seconds]
    details["validation_size"] = len(y_val)
    details["seed"] = seed
    return {"recipe": recipe, "cell": cell, "epochs": epochs,
            "seconds_per_epoch": round(steady_seconds(epoch_seconds), 3),
            "val_accuracy": round(float(accuracy), 4), "train_size": len(y_train),
            "details": details}
