"""Hyperparameter search with KerasTuner for the IMDB classifiers (Chapter 10).

- :class:`TextClassifierHyperModel` is the search space: cell type, units,
  learning rate, dropout and batch size. Its ``build`` calls the course's one
  builder, :func:`rnn_course.models.build_text_classifier`, so a tuned model
  is the same kind of model as every other IMDB model of the course.
- :func:`hyperband_schedule` computes, by formula, how Hyperband shares its
  epochs out: brackets, rounds, models per round and epochs per model.
  :func:`observed_schedule` reads the same table back from a tuner that ran,
  and :func:`schedule_table` prints either one.
- :func:`trial_rows` and :func:`trials_table` build the results table
  (trials, hyperparameters, epochs, scores) from the tuner's own records
  (``tuner.oracle.trials``); :func:`search_cost` counts trials and epochs.
- :func:`plot_search_scores` draws each trial's score against its trial
  number, with the best score found so far.

Example::

    import tempfile
    import keras_tuner as kt
    from rnn_course.tuning import TextClassifierHyperModel, trials_table

    tuner = kt.Hyperband(TextClassifierHyperModel(num_words=2000, maxlen=200),
                         objective="val_accuracy", max_epochs=4, factor=2,
                         directory=tempfile.mkdtemp(), overwrite=True)
    tuner.search(x_train, y_train, validation_data=(x_val, y_val), verbose=0)
    print(trials_table(tuner))
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import keras
import keras_tuner as kt
import numpy as np
from matplotlib.figure import Figure

from rnn_course import _validate
from rnn_course.models import CELLS, build_text_classifier
from rnn_course.plotting import OKABE_ITO
from rnn_course.tables import markdown_table

__all__ = [
    "BracketRound",
    "EpochCounter",
    "TextClassifierHyperModel",
    "hyperband_schedule",
    "observed_schedule",
    "plot_search_scores",
    "schedule_table",
    "schedule_total_epochs",
    "search_cost",
    "trial_rows",
    "trials_table",
]

#: Hyperparameters that KerasTuner's Hyperband adds to every trial itself.
_TUNER_KEYS = ("tuner/epochs", "tuner/initial_epoch", "tuner/bracket", "tuner/round",
               "tuner/trial_id")



def _choices(name: str, values: Any, kind: type | tuple[type, ...]) -> list:
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
        raise ValueError(f"{name} must be a non-empty list, got {values!r}.")
    values = list(values)
    for v in values:
        if isinstance(v, bool) or not isinstance(v, kind):
            raise ValueError(f"{name} holds {v!r}, which is not a valid value.")
    if len(set(values)) != len(values):
        raise ValueError(f"{name} holds the same value twice: {values!r}.")
    return values


class TextClassifierHyperModel(kt.HyperModel):
    """The search space of Chapter 10 over ``build_text_classifier``.

    Tuned: ``cell`` (a choice of recurrent cells), ``units`` (a choice),
    ``learning_rate`` (log-uniform between two bounds), ``dropout`` (input
    dropout of the recurrent layer, a grid from 0 to ``max_dropout``) and
    ``batch_size`` (a choice, applied in :meth:`fit`). Everything else is
    fixed by the constructor.

    Args:
        num_words: Vocabulary size of the data.
        maxlen: Length of the padded reviews (``None`` for any length).
        embedding_dim: Size of the word vectors (not tuned).
        cells: Cell types to try, from ``"simple_rnn"``, ``"lstm"``, ``"gru"``.
        units: Sizes of the recurrent state to try.
        learning_rates: ``(lowest, highest)`` learning rate, sampled on a log scale.
        max_dropout: Highest dropout tried (0 turns dropout off), in [0, 1).
        dropout_step: Spacing of the dropout grid.
        batch_sizes: Batch sizes to try.
    """

    def __init__(
        self,
        num_words: int = 10000,
        maxlen: int | None = None,
        embedding_dim: int = 32,
        cells: Sequence[str] = CELLS,
        units: Sequence[int] = (16, 32, 64),
        learning_rates: tuple[float, float] = (1e-4, 1e-2),
        max_dropout: float = 0.4,
        dropout_step: float = 0.1,
        batch_sizes: Sequence[int] = (32, 64, 128),
        name: str = "text_classifier",
    ) -> None:
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"name must be a non-empty string, got {name!r}.")
        super().__init__(name=name, tunable=True)
        self.num_words = _validate.positive_int("num_words", num_words)
        self.maxlen = None if maxlen is None else _validate.positive_int("maxlen", maxlen)
        self.embedding_dim = _validate.positive_int("embedding_dim", embedding_dim)
        self.cells = _choices("cells", cells, str)
        for cell in self.cells:
            if cell not in CELLS:
                raise ValueError(f"cells must be among {', '.join(CELLS)}, got {cell!r}.")
        self.units = _choices("units", units, numbers.Integral)
        for u in self.units:
            _validate.positive_int("units", u)
        if (isinstance(learning_rates, (str, bytes)) or not isinstance(learning_rates, Sequence)
                or len(learning_rates) != 2
                or not all(isinstance(v, numbers.Real) and not isinstance(v, bool)
                           for v in learning_rates)
                or not 0 < learning_rates[0] < learning_rates[1]):
            raise ValueError(
                f"learning_rates must be (lowest, highest) with 0 < lowest < highest, "
                f"got {learning_rates!r}."
            )
        self.learning_rates = (float(learning_rates[0]), float(learning_rates[1]))
        if isinstance(max_dropout, bool) or not isinstance(max_dropout, numbers.Real) \
                or not 0 <= max_dropout < 1:
            raise ValueError(f"max_dropout must be in [0, 1), got {max_dropout!r}.")
        if isinstance(dropout_step, bool) or not isinstance(dropout_step, numbers.Real) \
                or not 0 < dropout_step < 1:
            raise ValueError(f"dropout_step must be a number in (0, 1), got {dropout_step!r}.")
        self.max_dropout = float(max_dropout)
        self.dropout_step = float(dropout_step)
        self.batch_sizes = _choices("batch_sizes", batch_sizes, numbers.Integral)
        for b in self.batch_sizes:
            _validate.positive_int("batch_sizes", b)

    def build(self, hp: kt.HyperParameters):
        """A compiled classifier for the hyperparameters ``hp`` (sampled or fixed)."""
        cell = hp.Choice("cell", self.cells)
        units = hp.Choice("units", [int(u) for u in self.units])
        if self.max_dropout > 0:
            dropout = hp.Float("dropout", 0.0, self.max_dropout, step=self.dropout_step)
        else:
            dropout = hp.Fixed("dropout", 0.0)
        learning_rate = hp.Float("learning_rate", *self.learning_rates, sampling="log")
        return build_text_classifier(
            cell=cell,
            num_words=self.num_words,
            embedding_dim=self.embedding_dim,
            units=units,
            dropout=dropout,
            maxlen=self.maxlen,
            learning_rate=learning_rate,
        )

    def fit(self, hp: kt.HyperParameters, model, *args, **kwargs):
        """Train ``model`` with the batch size chosen by ``hp``."""
        kwargs["batch_size"] = hp.Choice("batch_size", [int(b) for b in self.batch_sizes])
        return model.fit(*args, **kwargs)


class EpochCounter(keras.callbacks.Callback):
    """Counts the epochs every trial of a search trains.

    KerasTuner gives every trial a deep copy of the callbacks passed to
    ``search`` and records only each trial's best epoch, so it cannot say how
    many epochs a trial ran (early stopping may cut it short). The copies
    of this callback share one list, ``runs``: one entry per trial, in the
    order the trials ran, holding the epochs it trained.
    """

    def __init__(self, runs: list[int] | None = None) -> None:
        super().__init__()
        if runs is not None and not isinstance(runs, list):
            raise TypeError(f"runs must be a list (shared by the copies) or None, "
                            f"got {type(runs).__name__}.")
        self.runs: list[int] = [] if runs is None else runs

    def __deepcopy__(self, memo: dict) -> EpochCounter:
        return EpochCounter(self.runs)  # a new callback, the same shared list

    def on_train_begin(self, logs=None) -> None:
        self.runs.append(0)

    def on_epoch_end(self, epoch, logs=None) -> None:
        self.runs[-1] += 1

    @property
    def total(self) -> int:
        """Epochs trained by all trials together."""
        return sum(self.runs)


class BracketRound(NamedTuple):
    """One round of one Hyperband bracket.

    Attributes:
        bracket: The bracket's number; the highest is the most aggressive
            (many models, few epochs each), 0 is plain random search.
        round: The round within the bracket, from 0.
        models: How many models train in this round.
        epochs: Epochs each model has been trained for at the end of the round.
        initial_epoch: Epochs each model had already been trained for
            (a model of round > 0 continues from its checkpoint).
    """

    bracket: int
    round: int
    models: int
    epochs: int
    initial_epoch: int

    @property
    def new_epochs(self) -> int:
        """Epochs trained in this round, all models together."""
        return self.models * (self.epochs - self.initial_epoch)


def hyperband_schedule(max_epochs: int, factor: int = 3) -> list[BracketRound]:
    """How one Hyperband iteration shares out epochs, computed by formula.

    With ``R = max_epochs`` and ``f = factor``, there are ``s_max + 1``
    brackets, ``s_max`` the largest integer with ``R / f**s_max >= 1``.
    Bracket ``s`` has rounds ``i = 0 .. s``; round ``i`` trains

    - ``n_i = ceil(ceil(1 + log_f R) / (s + 1) * f**(s - i))`` models,
    - each to ``r_i = ceil(R / f**(s - i))`` epochs,

    the best ``n_{i+1}`` of round ``i`` going on to round ``i + 1``. This is
    the schedule of Li et al. (2018), rounded up as KerasTuner's
    ``HyperbandOracle`` rounds it.

    Args:
        max_epochs: Most epochs any one model is trained for (``R``), at least 1.
        factor: Reduction factor between rounds (``f``), at least 2.

    Returns:
        One :class:`BracketRound` per round, brackets in the order KerasTuner
        runs them (most aggressive first), rounds in order.
    """
    max_epochs = _validate.positive_int("max_epochs", max_epochs)
    factor = _validate.positive_int("factor", factor, minimum=2)
    brackets, epochs = 0, float(max_epochs)
    while epochs >= 1:
        epochs /= factor
        brackets += 1
    last_round_size = math.ceil(1 + math.log(max_epochs, factor))
    rows = []
    for s in range(brackets - 1, -1, -1):
        previous = 0
        for i in range(s + 1):
            models = math.ceil(last_round_size / (s + 1) * factor ** (s - i))
            epochs_i = math.ceil(max_epochs / factor ** (s - i))
            rows.append(BracketRound(s, i, models, epochs_i, previous))
            previous = epochs_i
    return rows


def schedule_total_epochs(schedule: Sequence[BracketRound]) -> int:
    """Epochs trained by a whole schedule (models continue from checkpoints)."""
    rows = _check_schedule(schedule)
    return sum(r.new_epochs for r in rows)


def _check_schedule(schedule: Any) -> list[BracketRound]:
    if isinstance(schedule, (str, bytes)) or not isinstance(schedule, Sequence) or not schedule:
        raise ValueError("schedule must be a non-empty list from hyperband_schedule.")
    if not all(isinstance(r, BracketRound) for r in schedule):
        raise ValueError("schedule must hold BracketRound rows (from hyperband_schedule).")
    return list(schedule)


def schedule_table(schedule: Sequence[BracketRound]) -> str:
    """A Markdown table of a schedule, with a total row."""
    rows = _check_schedule(schedule)
    head = ("bracket", "round", "models", "epochs per model", "epochs trained")
    cells = [(str(r.bracket), str(r.round), str(r.models),
              f"{r.initial_epoch} → {r.epochs}", str(r.new_epochs)) for r in rows]
    cells.append(("total", "", str(sum(r.models for r in rows)), "",
                  str(sum(r.new_epochs for r in rows))))
    return markdown_table(head, cells)


def _check_tuner(tuner: Any) -> Any:
    if not isinstance(tuner, kt.Tuner):
        raise TypeError(f"tuner must be a KerasTuner tuner, got {type(tuner).__name__}.")
    return tuner


def _trials(tuner: Any) -> list:
    """The tuner's trials in the order they were created."""
    trials = list(_check_tuner(tuner).oracle.trials.values())
    if not trials:
        raise ValueError("the tuner has no trials yet: call tuner.search(...) first.")
    return trials


def _epochs_run(trials: list, counter: EpochCounter | None) -> list[int | None]:
    """Epochs each trial trained: counted, else planned by Hyperband, else None."""
    if counter is not None:
        if not isinstance(counter, EpochCounter):
            raise TypeError(f"counter must be an EpochCounter, got {type(counter).__name__}.")
        if len(counter.runs) != len(trials):
            raise ValueError(
                f"the counter saw {len(counter.runs)} trials but the tuner has {len(trials)}: "
                "pass a fresh EpochCounter to each search."
            )
        return list(counter.runs)
    planned = []
    for trial in trials:
        values = trial.hyperparameters.values
        if "tuner/epochs" in values:
            planned.append(int(values["tuner/epochs"]) - int(values["tuner/initial_epoch"]))
        else:
            planned.append(None)
    return planned




def observed_schedule(tuner: Any) -> list[BracketRound]:
    """The schedule a Hyperband tuner actually ran, read from its trials.

    Rounds are grouped by the ``tuner/bracket`` and ``tuner/round`` values
    that the oracle stored in each trial; ``models`` counts the trials.
    The result compares with :func:`hyperband_schedule` (``==``).
    """
    trials = _trials(tuner)
    groups: dict[tuple[int, int], list] = {}
    for trial in trials:
        values = trial.hyperparameters.values
        if "tuner/bracket" not in values:
            raise ValueError("these trials carry no bracket: was the tuner a Hyperband tuner?")
        key = (int(values["tuner/bracket"]), int(values["tuner/round"]))
        groups.setdefault(key, []).append(values)
    rows = []
    for (bracket, rnd), group in groups.items():
        rows.append(BracketRound(bracket, rnd, len(group), int(group[0]["tuner/epochs"]),
                                 int(group[0]["tuner/initial_epoch"])))
    return rows


def trial_rows(tuner: Any, counter: EpochCounter | None = None) -> list[dict[str, Any]]:
    """One dict per trial, from the tuner's own records, in the order run.

    Keys: ``"trial"`` (1, 2, ...), ``"id"`` (KerasTuner's trial id), every
    hyperparameter of the search space, ``"epochs run"`` (epochs this
    trial trained, as ``counter`` counted them; without a counter, the
    epochs Hyperband planned, or ``None``), for Hyperband trials
    ``"bracket"``, ``"round"`` and ``"continues"`` (the trial number whose
    checkpoint it resumed, or ``None``), then ``"score"`` (the tuner's
    score of the trial, its best value of the objective) and ``"status"``.
    """
    trials = _trials(tuner)
    epochs = _epochs_run(trials, counter)
    number = {t.trial_id: i + 1 for i, t in enumerate(trials)}
    rows = []
    for i, trial in enumerate(trials):
        values = trial.hyperparameters.values
        row: dict[str, Any] = {"trial": i + 1, "id": trial.trial_id}
        row.update({k: v for k, v in values.items() if k not in _TUNER_KEYS})
        row["epochs run"] = epochs[i]
        if "tuner/bracket" in values:
            row["bracket"] = int(values["tuner/bracket"])
            row["round"] = int(values["tuner/round"])
            row["continues"] = number.get(values.get("tuner/trial_id"))
        row["score"] = None if trial.score is None else float(trial.score)
        row["status"] = str(trial.status)
        rows.append(row)
    return rows


def trials_table(tuner: Any, counter: EpochCounter | None = None, digits: int = 3) -> str:
    """The results table of a search as Markdown: one row per trial.

    Floats other than the score (the learning rate) are written with 2
    significant digits, the score with ``digits`` decimals; the row of the
    best trial is marked with ``*``.
    """
    if isinstance(digits, bool) or not isinstance(digits, numbers.Integral) \
            or not 0 <= digits <= 6:
        raise ValueError(f"digits must be an integer from 0 to 6, got {digits!r}.")
    rows = trial_rows(tuner, counter)
    best = tuner.oracle.get_best_trials(1)
    best_id = best[0].trial_id if best else None
    keys = [k for k in rows[0] if k not in ("id", "status")]

    def fmt(key: str, value: Any) -> str:
        if value is None:
            return "–"
        if key == "score":
            return f"{value:.{digits}f}"
        if isinstance(value, float):
            return f"{value:.1e}" if 0 < value < 0.01 else f"{value:.2f}"
        return str(value)

    cells = []
    for row in rows:
        first = f"{row['trial']}{'*' if row['id'] == best_id else ''}"
        cells.append([first] + [fmt(k, row.get(k)) for k in keys[1:]])
    head = [k.replace("_", " ") for k in keys]
    return markdown_table(head, cells)


def search_cost(tuner: Any, counter: EpochCounter) -> dict[str, int]:
    """``{"trials": ..., "epochs": ...}``: what a search trained.

    Trials come from the tuner's records, epochs from the
    :class:`EpochCounter` passed to its ``search``.
    """
    _check_tuner(tuner)
    if not isinstance(counter, EpochCounter):
        raise TypeError(f"counter must be an EpochCounter, got {type(counter).__name__}.")
    trials = _trials(tuner)
    return {"trials": len(trials), "epochs": sum(_epochs_run(trials, counter))}


_MARKERS = ("o", "s", "^", "D", "v", "P")


def plot_search_scores(searches: Any, ylabel: str = "validation accuracy",
                       title: str = "Score of every trial") -> Figure:
    """Each trial's score against its trial number, one colour per search.

    Args:
        searches: A tuner, or ``{name: tuner}`` for several searches.
        ylabel: Label of the score axis.
        title: Title of the axes.

    Returns:
        The figure: markers for the trials' scores, a step line for the best
        score found so far (for an objective to maximise).
    """
    import matplotlib.pyplot as plt

    if isinstance(searches, kt.Tuner):
        searches = {"search": searches}
    if not isinstance(searches, Mapping) or not searches:
        raise TypeError("searches must be a tuner or a non-empty dict {name: tuner}.")
    ylabel, title = _validate.text("ylabel", ylabel), _validate.text("title", title)
    data = {}
    for name, tuner in searches.items():
        if not isinstance(tuner, kt.Tuner):
            raise TypeError(f"searches[{name!r}] must be a KerasTuner tuner, "
                            f"got {type(tuner).__name__}.")
        rows = [r for r in trial_rows(tuner) if r["score"] is not None]
        if not rows:
            raise ValueError(f"search {name!r} has no scored trial.")
        direction = getattr(tuner.oracle.objective, "direction", "max")
        data[str(name)] = (rows, direction)
    fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
    for i, (name, (rows, direction)) in enumerate(data.items()):
        colour = OKABE_ITO[i % (len(OKABE_ITO) - 1)]
        x = np.array([r["trial"] for r in rows])
        y = np.array([r["score"] for r in rows])
        best = np.maximum.accumulate(y) if direction == "max" else np.minimum.accumulate(y)
        ax.plot(x, y, linestyle="none", marker=_MARKERS[i % len(_MARKERS)], color=colour,
                markersize=7, label=f"{name}: trial score")
        ax.step(x, best, where="post", color=colour, linestyle=("-", "--", ":")[i % 3],
                label=f"{name}: best so far")
    ax.set_xlabel("trial")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize="small")
    return fig
