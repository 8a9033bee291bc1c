"""Every public helper refuses bad input with one short, readable line.

A student who passes a wrong shape, a wrong dtype, an empty array, NaNs or a
number instead of a text must get a ``ValueError`` or ``TypeError`` that says
what is wrong in words of the course: one line, short, raised by
``rnn_course`` itself (not a NumPy, TensorFlow or Matplotlib message from deep
inside), and naming the parameter at fault. The same holds for the public
functions of the course's tools that take an author's input
(:data:`TOOL_MODULES`: the student versions and the instructor guide), whose
errors may also be raised by the tools themselves.

The registry :data:`CASES` holds, for each public function (or class), a
valid call and a ``hypothesis`` strategy of bad values for each parameter;
the test draws a parameter and a bad value and checks the error. Functions
that take no input, or any input by design, are in :data:`EXEMPT` with the
reason; so are families of functions that another test audits with a
contract of their own (:data:`EXEMPT_FAMILIES`: the checkers, which answer a
wrong answer with ``False`` and one printed line instead of an error).
:func:`test_every_public_function_is_covered_or_exempt` walks the package and
those tools, so a new public function fails the suite until it is registered.
"""

from __future__ import annotations

import atexit
import copy
import functools
import importlib
import inspect
import pkgutil
import shutil
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rnn_course
import tools

PACKAGE_DIR = Path(rnn_course.__file__).resolve().parent
TOOLS_DIR = Path(tools.__file__).resolve().parent
#: Modules of tools/ (not installed) whose public functions take a course
#: author's input (chapters, a guide, results files) and keep the package's
#: contract: one clear line for a bad argument.
TOOL_MODULES = ("tools.exercises", "tools.instructor_guide", "tools.assign")
MAX_MESSAGE = 240  # characters: one line in a notebook's error box

#: Families of public functions with another contract, audited by another
#: test: (module, name prefix) -> the reason; the module may be a package, whose
#: modules the family then covers too. Any other public name in the module
#: still needs a case here.
EXEMPT_FAMILIES = {
    ("rnn_course.checks", "check_"): "a checker: a wrong answer gives False and one printed "
    "line, never an error; tests/test_checks_friendly.py "
    "audits every check_* function",
}

#: Public functions and classes that need no bad-input test, with the reason.
EXEMPT = {
    "rnn_course.config.is_quick": "takes no input (reads RNN_COURSE_QUICK, tested in test_config)",
    "rnn_course.config.pick": "returns one of two values of any type, by design",
    "rnn_course.data.provenance.data_and_mode": "takes *datasets, each checked as in "
    "loaded_from (tests/test_provenance.py)",
    "rnn_course.data.provenance.results_note": "takes *datasets as data_and_mode does, and "
    "`expected`, whose bad values "
    "tests/test_provenance.py tries",
    "rnn_course.cell_diagrams.draw_lstm_cell": "takes no input",
    "rnn_course.diagrams.draw_sequence_families": "takes no input",
    "rnn_course.diagrams.FamilyDiagram": "a record of drawing data built by the module itself",
    "rnn_course.examples.hand_worked_rnn": "takes no input",
    "rnn_course.examples.HandWorkedRNN": "a result record that hand_worked_rnn fills",
    "rnn_course.training.EpochTimer": "a callback that takes no input",
    "rnn_course.training.TrainingRecord": "a result record that train_and_evaluate fills; "
    "the functions that read records check them",
    "rnn_course.numpy_nets.bptt.RNNGradients": "a result record that rnn_backward fills",
    "rnn_course.numpy_nets.bptt.ReadoutLoss": "a result record that readout_mse fills",
    "rnn_course.numpy_nets.gated.LSTMGates": "a result record that lstm_gates fills",
    "rnn_course.numpy_nets.gated.GRUGates": "a result record that gru_gates fills",
    "rnn_course.numpy_nets.gated.LSTMParams": "a plain tuple of weights; lstm_forward, lstm_gates "
    "and set_lstm_params check it where it is used",
    "rnn_course.numpy_nets.gated.GRUParams": "a plain tuple of weights; gru_forward, gru_gates "
    "and set_gru_params check it where it is used",
    "rnn_course.text.TruncationLoss": "a result record that truncation_loss fills",
    "rnn_course.sentiment.SentimentPrediction": "a result record that predict_sentiment fills",
    "rnn_course.sentiment.SentimentTable": "a list of predict_sentiment's results that prints "
    "as a table",
    "rnn_course.text.toy_reviews": "takes no input",
    "rnn_course.tuning.BracketRound": "a result record that hyperband_schedule fills",
    "rnn_course.memory_tasks.MemorySweep": "a result record that memory_sweep fills; "
    "plot_memory_sweep checks it",
    "rnn_course.data.cifar10.keras_cache_paths": "takes no input",
    "rnn_course.data.synthetic_imdb.twin_cache_path": "takes no input",
    "rnn_course.data.jena.keras_cache_paths": "takes no input",
    "rnn_course.data.synthetic_jena.JenaClimate": "a result record that the Jena loaders fill; "
    "its column() method is tested in tests/test_data_jena.py",
    "rnn_course.runtime.accelerator_summary": "takes no input",
    "rnn_course.benchmark_results.results_folder": "takes no input",
    "tools.exercises.AssignError": "an exception class: the module raises it, nobody calls it",
    "tools.exercises.Exercise": "a record that read_exercises fills",
    "tools.exercises.ChapterExercises": "a record that read_exercises fills; "
    "student_notebook checks it",
    "tools.instructor_guide.ChapterInfo": "a record that chapter_info fills; "
    "render_guide_tables checks it",
    "tools.assign.main": "the command line: bad argv gives one line and exit code 2, "
    "tested in tests/test_assign.py",
    "rnn_course.distributed.main": "the command line of each search process: bad argv or "
    "missing variables give one line and exit code 2, tested in tests/test_distributed.py",
}


def _in_family(qualname: str, family_module: str, prefix: str) -> bool:
    """Whether ``qualname`` is a ``prefix*`` name of ``family_module`` or of a module in it."""
    module, attr = qualname.rsplit(".", 1)
    return (module == family_module or module.startswith(f"{family_module}.")) and attr.startswith(
        prefix
    )


def _family(qualname: str) -> str | None:
    """The reason of the :data:`EXEMPT_FAMILIES` entry ``qualname`` belongs to, if any."""
    return next(
        (
            reason
            for (family_module, prefix), reason in EXEMPT_FAMILIES.items()
            if _in_family(qualname, family_module, prefix)
        ),
        None,
    )


# ---------------------------------------------------------------- enumeration


def _is_private(module_name: str) -> bool:
    return any(part.startswith("_") for part in module_name.split("."))


def public_callables() -> dict[str, Any]:
    """Every public function and class of ``rnn_course`` and :data:`TOOL_MODULES`.

    By qualified name. Public: in a module without a leading underscore in
    its path, named without one, and defined in that module (not imported
    into it).
    """
    found = {}
    modules = [info.name for info in pkgutil.walk_packages(rnn_course.__path__, "rnn_course.")]
    for name in modules + list(TOOL_MODULES):
        if _is_private(name):
            continue
        module = importlib.import_module(name)
        for attr, obj in vars(module).items():
            if attr.startswith("_") or not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if getattr(obj, "__module__", None) == name:
                found[f"{name}.{attr}"] = obj
    return found


def _resolve(qualname: str) -> Any:
    module, attr = qualname.rsplit(".", 1)
    return getattr(importlib.import_module(module), attr)


# ---------------------------------------------------------------- bad values

JUNK = st.sampled_from([None, "text", b"bytes", {"key": 1}, object(), 2j])
NOT_TEXT = st.one_of(
    st.integers(),
    st.floats(),
    st.sampled_from([None, b"bytes", ["a", "list"], {"a": 1}, object(), np.array(["a"])]),
)


def bad_int(minimum: int = 1, none_ok: bool = False, maximum: int | None = None):
    """Not an integer from ``minimum`` (to ``maximum``): too small, fractional, NaN, text."""
    # Floats are wrong even when whole (3.0): a count is an integer.
    values = [
        st.integers(max_value=minimum - 1),
        st.floats(),
        st.booleans(),
        st.sampled_from(["3", b"3", [3], object(), 2j]),
    ]
    if maximum is not None:
        values.append(st.integers(min_value=maximum + 1))
    if not none_ok:
        values.append(st.none())
    return st.one_of(values)


def bad_real(
    low: float, high: float, *, low_ok: bool = True, high_ok: bool = True, none_ok: bool = False
):
    """Not a real number in ``[low, high]`` (ends open where ``*_ok`` is False)."""
    values = [st.sampled_from([np.nan, np.inf, -np.inf, "0.5", [0.5], 2j, True])]
    below = st.floats(max_value=low, exclude_max=low_ok, allow_nan=False, allow_infinity=False)
    above = st.floats(min_value=high, exclude_min=high_ok, allow_nan=False, allow_infinity=False)
    if np.isfinite(low):
        values.append(below)
    if np.isfinite(high):
        values.append(above)
    if not none_ok:
        values.append(st.none())
    return st.one_of(values)


def _random(shape: tuple[int, ...], seed: int) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-1, 1, size=shape)


def _with_nonfinite(shape, seed, value):
    array = _random(shape, seed)
    array.flat[seed % array.size] = value
    return array


def bad_array(
    shape: tuple[int, ...],
    wrong: tuple[tuple[int, ...], ...] = (),
    empty: tuple[tuple[int, ...], ...] = (),
    none_ok: bool = False,
):
    """Arrays that are not real, finite arrays of ``shape``.

    NaN or infinite entries, strings, complex numbers, booleans, objects,
    the ``wrong`` shapes, the ``empty`` shapes, or no array at all.
    """
    seeds = st.integers(0, 2**16)
    values = [
        st.builds(_with_nonfinite, st.just(shape), seeds, st.sampled_from([np.nan, np.inf])),
        st.builds(lambda s: _random(shape, s).astype(str), seeds),
        st.builds(lambda s: _random(shape, s) + 1j, seeds),
        st.builds(lambda s: _random(shape, s) > 0, seeds),
        st.just(np.full(shape, None, dtype=object)),
        st.sampled_from(["text", {"key": 1}, object()]),
    ]
    if wrong or empty:
        values.append(st.builds(_random, st.sampled_from(wrong + empty), seeds))
    if not none_ok:
        values.append(st.none())
    return st.one_of(values)


def bad_ids(none_ok: bool = False):
    """Not a 1-D list of integer ids: floats, NaN, strings, 2-D, nothing."""
    return st.one_of(
        st.sampled_from(
            [
                [1.5, 2.0],
                [1, np.nan],
                ["a", "b"],
                np.zeros((2, 2), int),
                "text",
                3,
                {"a": 1},
                np.array([1.0, np.nan]),
            ]
        ),
        st.lists(st.text(min_size=1), min_size=1, max_size=3),
        *([] if none_ok else [st.none()]),
    )


def bad_texts():
    """Not a list of texts: non-strings inside, nothing inside, no list."""
    return st.one_of(
        NOT_TEXT.filter(lambda v: not isinstance(v, (list, np.ndarray))),
        st.lists(NOT_TEXT, min_size=1, max_size=3),
        st.just([]),
    )


def bad_mapping():
    return st.sampled_from([None, "text", [("a", 1)], 3, np.zeros(2), object()])


def bad_layer(kind: str):
    """Anything but a built Keras layer of ``kind``."""
    others = {"SimpleRNN": "LSTM", "LSTM": "GRU", "GRU": "SimpleRNN"}
    return st.one_of(
        JUNK,
        st.sampled_from(["unbuilt", "other", "dense"]).map(
            lambda which: _layer(
                kind if which == "unbuilt" else others[kind] if which == "other" else "Dense",
                built=which != "unbuilt",
            )
        ),
    )


# ---------------------------------------------------------------- valid pieces


@functools.cache
def _layer(kind: str, built: bool = True):
    import keras

    layer = getattr(keras.layers, kind)(3)
    if built:
        layer.build((None, 4, 2))
    return layer


def _weights(seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "inputs": rng.standard_normal((4, 2)),
        "W": 0.5 * rng.standard_normal((3, 2)),
        "U": 0.5 * rng.standard_normal((3, 3)),
        "b": np.zeros(3),
    }


def _gate_params(kind: str, seed: int = 0):
    from rnn_course.numpy_nets import GRUParams, LSTMParams

    rng = np.random.default_rng(seed)
    gates, params = ("i", "f", "c", "o") if kind == "lstm" else ("z", "r", "h"), {}
    for g in gates:
        params[f"W_{g}"] = 0.5 * rng.standard_normal((3, 2))
        params[f"U_{g}"] = 0.5 * rng.standard_normal((3, 3))
        params[f"b_{g}"] = np.zeros(3)
        if kind == "gru":
            params[f"rb_{g}"] = np.zeros(3)
    return LSTMParams(**params) if kind == "lstm" else GRUParams(**params)


def bad_gate_params(kind: str):
    good = _gate_params(kind)
    other = _gate_params("gru" if kind == "lstm" else "lstm")
    broken = [
        good._replace(**{good._fields[0]: np.full((3, 2), np.nan)}),
        good._replace(**{good._fields[3]: np.zeros((2, 2))}),
        good._replace(**{good._fields[-2] if kind == "lstm" else "b_z": np.zeros(4)}),
        dict(list(good._asdict().items())[1:]),
        other,
    ]
    return st.one_of(JUNK, st.sampled_from(broken))


@functools.cache
def _tiny_model():
    from rnn_course.models import build_text_classifier

    return build_text_classifier(num_words=50, embedding_dim=2, units=2, maxlen=8)


WORD_INDEX = {"good": 1, "film": 2, "bad": 3, "not": 4}


def _record():
    from rnn_course.training import TrainingRecord

    return TrainingRecord(
        name="m",
        params=10,
        epochs=2,
        best_epoch=2,
        best_val_accuracy=0.7,
        test_accuracy=0.6,
        test_loss=0.5,
        seconds_per_epoch=1.0,
        epoch_seconds=(1.0, 1.0),
        history={"loss": [0.7, 0.6], "val_accuracy": [0.5, 0.7]},
    )


def bad_records():
    return st.one_of(
        JUNK,
        st.sampled_from([[], [1, 2], "records", [{"name": "m"}]]),
        st.just("duplicate").map(lambda _: [_record(), _record()]),
    )


def _ids(n: int = 6, maxlen: int = 8, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.integers(1, 50, size=(n, maxlen)).astype("int32"), rng.integers(0, 2, size=n)


def bad_samples(n: int = 6, maxlen: int = 8):
    """Not ``n`` samples of ``maxlen`` ids: NaN, text, empty, wrong shape, no array."""
    return st.one_of(
        bad_array((n, maxlen), wrong=((n,), (n, maxlen, 2)), empty=((0, maxlen),)),
        st.just([[1, 2], [3]]),
    )


def bad_labels(n: int = 6):
    return st.one_of(
        st.sampled_from(
            [
                "labels",
                None,
                {"a": 1},
                np.full(n, np.nan),
                np.array(["a"] * n),
                np.zeros(n + 1),
                np.zeros(0),
            ]
        ),
    )


# ---------------------------------------------------------------- the registry


@dataclass
class Case:
    """A valid call of a public function and bad values for its parameters."""

    valid: Callable[[], dict[str, Any]]
    bad: dict[str, Any]
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)


CASES: dict[str, Case] = {}


def case(
    qualname: str, valid: Callable[[], dict[str, Any]] | dict[str, Any], aliases=None, **bad
) -> None:
    """Register ``qualname``: ``valid`` gives a valid call's keywords, ``bad`` strategies."""
    make = valid if callable(valid) else (lambda: dict(valid))
    assert qualname not in CASES, qualname
    CASES[qualname] = Case(make, bad, aliases or {})


# config, notebook
case(
    "rnn_course.config.data_source",
    {},
    source=st.one_of(
        st.text().filter(lambda s: s.strip().lower() not in ("auto", "keras", "synthetic")),
        st.integers(),
        st.sampled_from([b"keras", ["keras"]]),
    ),
)
case(
    "rnn_course.notebook.glue",
    {"name": "x", "value": 1},
    name=st.one_of(st.sampled_from(["", "  ", None, 3, b"x"])),
)
case(
    "rnn_course.notebook.set_seed",
    {"seed": 0},
    seed=st.one_of(
        st.integers(max_value=-1),
        st.integers(min_value=2**32),
        st.sampled_from([1.5, np.nan, "42", None, True]),
    ),
    deterministic=st.sampled_from(["yes", None, 1.5]),
)

# numpy_nets: the plain RNN
RNN_BAD = {
    "inputs": bad_array(
        (4, 2), wrong=((2,), (1, 1, 4, 2), (4, 5)), empty=((0, 2), (4, 0), (0, 4, 2))
    ),
    "W": bad_array((3, 2), wrong=((2, 3), (3,), (3, 2, 1)), empty=((0, 2),)),
    "U": bad_array((3, 3), wrong=((3, 2), (2, 2), (3,)), empty=((0, 0),)),
    "b": bad_array((3,), wrong=((2,), (3, 1)), empty=((0,),)),
    "h0": bad_array((3,), wrong=((2,), (1, 3, 1)), empty=((0,),), none_ok=True),
}
case(
    "rnn_course.numpy_nets.simple.rnn_forward",
    lambda: _weights(),
    activation=st.sampled_from([None, "tanh", 3]),
    **RNN_BAD,
)


def _backward_valid():
    from rnn_course.numpy_nets import rnn_forward

    args = _weights()
    states = rnn_forward(**args)
    return {**args, "states": states, "grad_states": np.ones_like(states)}


case(
    "rnn_course.numpy_nets.bptt.rnn_backward",
    _backward_valid,
    **RNN_BAD,
    states=bad_array((4, 3), wrong=((4,), (3, 4), (1, 4, 3)), empty=((0, 3),)),
    grad_states=bad_array((4, 3), wrong=((4,), (3, 4)), empty=((0, 3),)),
    truncate=bad_int(none_ok=True),
)
case(
    "rnn_course.numpy_nets.bptt.readout_mse",
    lambda: {
        "states": np.tanh(_random((4, 3), 1)),
        "V": _random((2, 3), 2),
        "c": np.zeros(2),
        "targets": np.zeros(2),
    },
    states=bad_array((4, 3), wrong=((3,), (1, 1, 4, 3)), empty=((0, 3),)),
    V=bad_array((2, 3), wrong=((3, 2), (2,)), empty=((0, 3),)),
    c=bad_array((2,), wrong=((3,), (2, 1)), empty=((0,),)),
    targets=bad_array((2,), wrong=((3,), (4, 2, 1))),
    steps=st.one_of(st.text().filter(lambda s: s not in ("last", "all")), st.integers()),
)
case(
    "rnn_course.numpy_nets.bptt.clip_by_global_norm",
    lambda: {"grads": [np.ones((2, 2)), np.ones(3)], "max_norm": 1.0},
    grads=st.one_of(JUNK, st.just([]), bad_array((2, 2)).map(lambda a: [np.ones(3), a])),
    max_norm=bad_real(0, np.inf, low_ok=False),
)
case(
    "rnn_course.numpy_nets.bptt.relative_error",
    lambda: {"a": np.ones(3), "b": np.ones(3)},
    a=bad_array((3,), wrong=((2,), (3, 1)), empty=((0,),)),
    b=bad_array((3,), wrong=((4,), (1, 3)), empty=((0,),)),
)
case(
    "rnn_course.numpy_nets.bptt.spectral_radius",
    lambda: {"matrix": np.eye(3)},
    matrix=bad_array((3, 3), wrong=((3, 2), (3,), (2, 2, 2)), empty=((0, 0),)),
)
case(
    "rnn_course.numpy_nets.bptt.scale_to_spectral_radius",
    lambda: {"matrix": np.eye(3), "radius": 0.9},
    matrix=bad_array((3, 3), wrong=((3, 2), (3,)), empty=((0, 0),)).filter(
        lambda m: not (isinstance(m, np.ndarray) and m.dtype == bool)
    ),
    radius=bad_real(0, np.inf, low_ok=False),
)
case(
    "rnn_course.numpy_nets.bptt.random_orthogonal",
    {"n": 3},
    n=bad_int(),
    rng=st.sampled_from(["seed", 1.5, object(), -1, [1, 2]]),
)
case(
    "rnn_course.numpy_nets.keras_weights.simple_rnn_params",
    lambda: {"layer": _layer("SimpleRNN")},
    layer=bad_layer("SimpleRNN"),
)
case(
    "rnn_course.numpy_nets.keras_weights.set_simple_rnn_params",
    lambda: {
        "layer": _layer("SimpleRNN"),
        **{k: v for k, v in _weights().items() if k != "inputs"},
    },
    layer=bad_layer("SimpleRNN"),
    W=RNN_BAD["W"],
    U=RNN_BAD["U"],
    b=RNN_BAD["b"],
)
case(
    "rnn_course.numpy_nets.simple.simple_rnn_param_count",
    {"features": 2, "units": 3},
    features=bad_int(),
    units=bad_int(),
)
case(
    "rnn_course.numpy_nets.gated.lstm_param_count",
    {"features": 2, "units": 3},
    features=bad_int(),
    units=bad_int(),
)
case(
    "rnn_course.numpy_nets.gated.gru_param_count",
    {"features": 2, "units": 3},
    features=bad_int(),
    units=bad_int(),
    reset_after=st.sampled_from(["yes", None, 1, 0.5]),
)

# numpy_nets: gated cells
# A message about one weight of the params names that weight ("W_f has shape ...").
GATE_ALIASES = {"params": ("W_", "U_", "b_", "rb_")}
GATE_INPUTS = {
    "inputs": RNN_BAD["inputs"],
    "h0": RNN_BAD["h0"],
}
for _kind in ("lstm", "gru"):
    extra = {"c0": RNN_BAD["h0"]} if _kind == "lstm" else {}
    for _fn in ("gates", "forward"):
        case(
            f"rnn_course.numpy_nets.gated.{_kind}_{_fn}",
            functools.partial(
                lambda k: {"inputs": _weights()["inputs"], "params": _gate_params(k)}, _kind
            ),
            aliases=GATE_ALIASES,
            params=bad_gate_params(_kind),
            **GATE_INPUTS,
            **extra,
            **(
                {"return_carry": st.sampled_from(["yes", None, 2])}
                if (_kind, _fn) == ("lstm", "forward")
                else {}
            ),
        )
    layer_kind = "LSTM" if _kind == "lstm" else "GRU"
    case(
        f"rnn_course.numpy_nets.keras_weights.{_kind}_params",
        functools.partial(lambda k: {"layer": _layer(k)}, layer_kind),
        layer=bad_layer(layer_kind),
    )
    case(
        f"rnn_course.numpy_nets.keras_weights.set_{_kind}_params",
        functools.partial(
            lambda k, kind: {"layer": _layer(k), "params": _gate_params(kind)}, layer_kind, _kind
        ),
        aliases=GATE_ALIASES,
        layer=bad_layer(layer_kind),
        params=bad_gate_params(_kind),
    )

# models
RATE = bad_real(0, 1, high_ok=False)
COUNT = bad_int()
case(
    "rnn_course.models.recurrent_layer",
    {},
    cell=st.one_of(st.text(), st.integers()).filter(
        lambda c: c not in ("simple_rnn", "lstm", "gru")
    ),
    units=COUNT,
    dropout=RATE,
    recurrent_dropout=RATE,
    bidirectional=st.sampled_from(["yes", None, 2]),
    return_sequences=st.sampled_from(["no", None, 0.5]),
    name=st.sampled_from([3, b"name", ["a"]]),
)
case(
    "rnn_course.models.build_text_classifier",
    {"num_words": 50, "maxlen": 8},
    cell=st.sampled_from(["rnn", "LSTM", 3, None]),
    num_words=COUNT,
    embedding_dim=COUNT,
    units=COUNT,
    dropout=RATE,
    recurrent_dropout=RATE,
    maxlen=bad_int(none_ok=True),
    mask_zero=st.sampled_from(["yes", None, 2]),
    learning_rate=bad_real(0, np.inf, low_ok=False),
    bidirectional=st.sampled_from(["yes", None, 2]),
    compile=st.sampled_from(["yes", None, 2]),
)
case(
    "rnn_course.models.build_conv1d_text_classifier",
    {"num_words": 50, "maxlen": 100},
    num_words=COUNT,
    embedding_dim=COUNT,
    filters=COUNT,
    kernel_size=COUNT,
    pool_size=COUNT,
    conv_layers=COUNT,
    cell=st.sampled_from(["rnn", 3, "LSTM"]),
    units=COUNT,
    maxlen=st.one_of(bad_int(none_ok=True), st.integers(1, 8)),
    learning_rate=bad_real(0, np.inf, low_ok=False),
    compile=st.sampled_from(["yes", None, 2]),
)

# experiments
TRAIN_BAD = {
    "x_train": bad_samples(),
    "y_train": bad_labels(),
    "x_test": bad_samples(),
    "y_test": bad_labels(),
}


def _train_valid():
    (x, y), (xt, yt) = _ids(), _ids(seed=1)
    return {"model": _tiny_model(), "x_train": x, "y_train": y, "x_test": xt, "y_test": yt}


case(
    "rnn_course.training.train_and_evaluate",
    _train_valid,
    **TRAIN_BAD,
    model=st.one_of(JUNK, st.just("uncompiled").map(lambda _: __import__("keras").Sequential())),
    name=st.sampled_from(["", "  ", 3, b"m"]),
    epochs=COUNT,
    batch_size=COUNT,
    patience=COUNT,
    validation_split=bad_real(0, 1, low_ok=False, high_ok=False),
    validation_data=st.sampled_from(["val", (1, 2, 3), 3]),
)
case(
    "rnn_course.training.accuracy_interval",
    {"accuracy": 0.8, "n": 100},
    accuracy=st.sampled_from([1.5, -0.1, float("nan"), "0.8", None]),
    n=bad_int(),
)
case("rnn_course.training.results_rows", lambda: {"records": [_record()]}, records=bad_records())
case(
    "rnn_course.training.results_table",
    lambda: {"records": [_record()]},
    records=bad_records(),
    digits=bad_int(minimum=0, maximum=6),
)
case(
    "rnn_course.training.plot_validation_curves",
    lambda: {"records": [_record()]},
    records=bad_records(),
    metric=st.sampled_from(["val_auc", "", 3, None]),
    baseline=bad_real(-np.inf, np.inf, none_ok=True).filter(lambda v: v is not None),
    title=st.sampled_from([3, b"t", ["t"]]),
    baseline_label=st.sampled_from([3, None, b"t"]),
)

# sentiment
REVIEWS = [[1, 5, 6], [1, 7, 8, 9, 10]]
BAD_REVIEWS = st.one_of(
    st.sampled_from(
        [[], "review", 3, None, [1, 2, 3], ["a review", "b"], [[1, 2], None], {"a": [1]}]
    )
)
case("rnn_course.text.review_lengths", {"sequences": REVIEWS}, sequences=BAD_REVIEWS)
case(
    "rnn_course.text.truncation_loss",
    {"sequences": REVIEWS, "maxlen": 3},
    sequences=BAD_REVIEWS,
    maxlen=COUNT,
)
case(
    "rnn_course.text.plot_review_lengths",
    {"sequences": REVIEWS, "maxlen": 3},
    sequences=BAD_REVIEWS,
    maxlen=COUNT,
    bins=COUNT,
    title=st.sampled_from([3, None, b"t"]),
)
TEXT_ARGS = {"texts": ["a good film"], "word_index": WORD_INDEX}
case(
    "rnn_course.text.encode_texts",
    TEXT_ARGS,
    texts=bad_texts(),
    word_index=bad_mapping(),
    num_words=bad_int(none_ok=True),
    maxlen=bad_int(none_ok=True),
)
case(
    "rnn_course.sentiment.predict_sentiment",
    lambda: {**TEXT_ARGS, "model": _tiny_model(), "num_words": 50, "maxlen": 8},
    model=JUNK,
    texts=bad_texts(),
    word_index=bad_mapping(),
    num_words=bad_int(none_ok=True),
    maxlen=bad_int(none_ok=True),
    threshold=bad_real(0, 1, low_ok=False, high_ok=False),
)

# text
case("rnn_course.text.standardize", {"text": "A good film."}, text=NOT_TEXT)
case(
    "rnn_course.text.word_sentiment",
    {"texts": ["good film", "bad film"], "labels": [1, 0]},
    texts=bad_texts(),
    labels=st.sampled_from(
        [[1], [1, 2], [0.5, 1], [np.nan, 1], "10", None, [[1], [0]], ["a", "b"]]
    ),
)
case(
    "rnn_course.text.plot_word_vectors",
    lambda: {"vectors": _random((3, 2), 0), "words": ["good", "bad", "film"]},
    vectors=bad_array((3, 2), wrong=((3,), (2, 2), (3, 3)), empty=((0, 2),)),
    words=st.sampled_from([["good", "bad"], [1, 2, 3], "good", None, []]),
    groups=st.sampled_from(["groups", [("good", "x")], 3]),
    label_words=st.sampled_from(["good", ["missing"], 3]),
    title=st.sampled_from([3, b"t"]),
)

# plotting
HISTORY = {"loss": [0.7, 0.6], "accuracy": [0.5, 0.6]}
case(
    "rnn_course.plotting.plot_history",
    {"history": HISTORY},
    history=st.sampled_from(
        [
            None,
            "history",
            [0.7, 0.6],
            {},
            {"loss": []},
            {"loss": [0.7, np.nan], "accuracy": [0.5, 0.6]},
            {"loss": ["a", "b"], "accuracy": [0.5, 0.6]},
            {"accuracy": [0.5, 0.6]},
            {"loss": [[0.7]], "accuracy": [[0.5]]},
        ]
    ),
    metric=st.sampled_from(["auc", "", None, 3, "loss"]),
)
case(
    "rnn_course.plotting.plot_state_histograms",
    lambda: {"states": {"h": _random((4, 3), 0)}},
    states=st.one_of(
        JUNK.filter(lambda v: not isinstance(v, dict)),
        st.just({}),
        bad_array((4, 3), empty=((0, 3),)).map(lambda a: {"h": a}),
    ),
    threshold=bad_real(0, 1, low_ok=False, high_ok=False),
    bins=COUNT,
)
case(
    "rnn_course.plotting.plot_curves",
    lambda: {"curves": {"a": [1.0, 2.0]}, "xlabel": "x", "ylabel": "y", "title": "t"},
    curves=st.one_of(
        JUNK, st.just({}), bad_array((3,), wrong=((3, 2),), empty=((0,),)).map(lambda a: {"a": a})
    ),
    xlabel=st.sampled_from([3, None, b"x"]),
    ylabel=st.sampled_from([3, None]),
    title=st.sampled_from([3, None]),
    logy=st.sampled_from(["yes", None, 2]),
    start=bad_int(minimum=-(10**6)).filter(lambda v: not isinstance(v, int)),
)

# diagrams
case("rnn_course.diagrams.draw_unrolled_rnn", {}, steps=bad_int(maximum=6))
case(
    "rnn_course.diagrams.plot_one_hot_sequences",
    {"sentences": {"a": ["good", "film"]}, "vocabulary": ["good", "film", "bad"]},
    sentences=st.sampled_from(
        [None, {}, "good film", {"a": "good film"}, {"a": [1, 2]}, {"a": ["missing"]}, {"a": []}]
    ),
    vocabulary=st.sampled_from([None, [], "good film", [1, 2], ["good", "good", "film"]]),
)
STATES_TRACE = {"a": (["good", "film"], np.zeros((2, 2)))}
case(
    "rnn_course.plotting.plot_state_traces",
    {"traces": STATES_TRACE, "state_names": ["h1", "h2"]},
    traces=st.one_of(
        JUNK,
        st.just({}),
        bad_array((2, 2), wrong=((3, 2), (2,)), empty=((0, 2),)).map(
            lambda a: {"a": (["good", "film"], a)}
        ),
        st.just({"a": ("good film", np.zeros((2, 2)))}),
    ),
    state_names=st.sampled_from([None, [], "h", ["h1"], [1, 2]]),
    ylabel=st.sampled_from([3, None]),
)
case(
    "rnn_course.cell_diagrams.plot_gate_activations",
    lambda: {"gates": {"input": _random((2, 3), 0) / 2 + 0.5}, "words": ["good", "film"]},
    gates=st.one_of(
        JUNK,
        st.just({}),
        bad_array((2, 3), wrong=((3, 3), (2,)), empty=((0, 3),)).map(lambda a: {"input": a}),
    ),
    words=st.sampled_from([None, [], "good film", [1, 2], ["good"]]),
    title=st.sampled_from([3, b"t"]),
    vmin=bad_real(-np.inf, np.inf).filter(
        lambda v: not isinstance(v, float) or not np.isfinite(v)
    ),
    vmax=st.sampled_from([np.nan, np.inf, "1", None, -1.0]),
)

# vision
SIZE = bad_int()
case(
    "rnn_course.vision.conv_output_size",
    {"n": 32, "kernel": 3},
    n=SIZE,
    kernel=SIZE,
    stride=SIZE,
    padding=st.one_of(st.integers(max_value=-1), st.sampled_from(["full", None, 1.5, "SAME!"])),
)
case(
    "rnn_course.vision.pool_output_size",
    {"n": 32},
    n=SIZE,
    pool=SIZE,
    stride=bad_int(none_ok=True),
)
case(
    "rnn_course.vision.conv2d_param_count",
    {"kernel": 3, "c_in": 3, "c_out": 8},
    kernel=st.one_of(bad_int(), st.sampled_from([(3,), (3, 0), (3, 3, 3), (1.5, 2)])),
    c_in=SIZE,
    c_out=SIZE,
    use_bias=st.sampled_from(["yes", None, 2]),
)
case(
    "rnn_course.vision.fixed_filter_layer",
    lambda: {"kernels": [np.ones((3, 3))]},
    kernels=st.one_of(
        JUNK,
        st.just([]),
        st.just({}),
        bad_array((3, 3), wrong=((3, 3, 3, 3),), empty=((0, 3),)).map(lambda a: [a]),
    ),
    in_channels=SIZE,
    strides=SIZE,
    padding=st.sampled_from(["full", 3, None, "VALID!"]),
)
def IMAGES():
    return {
        "images": np.zeros((2, 8, 8, 3), "uint8"),
        "labels": np.array([0, 1]),
        "class_names": ["cat", "dog"],
    }

case(
    "rnn_course.vision.plot_image_grid",
    IMAGES,
    images=bad_array(
        (2, 8, 8, 3), wrong=((2, 8, 8), (8, 8, 3), (3, 8, 8, 3)), empty=((0, 8, 8, 3),)
    ),
    labels=st.sampled_from(
        [
            None,
            np.array([0]),
            np.array([0, 5]),
            np.array([0.5, 1.0]),
            np.array([np.nan, 1]),
            "01",
            np.array([-1, 0]),
        ]
    ),
    class_names=st.sampled_from([None, [], "cat", [1, 2], ["cat"]]),
    n_cols=COUNT,
    predictions=st.sampled_from([np.array([0]), np.array([0, 9]), "01", np.array([0.5, 1.0])]),
    title=st.sampled_from([3, b"t"]),
)
case(
    "rnn_course.vision.plot_filter_effect",
    lambda: {
        "image": np.zeros((8, 8, 3), "uint8"),
        "feature_maps": _random((6, 6, 2), 0),
        "titles": ["a", "b"],
    },
    image=bad_array((8, 8, 3), wrong=((8, 8, 4), (8,), (1, 2, 8, 8, 3)), empty=((0, 8, 3),)),
    feature_maps=bad_array((6, 6, 2), wrong=((6, 6), (6,)), empty=((6, 6, 0),)),
    titles=st.sampled_from([None, ["a"], "ab", [1, 2]]),
    kernels=bad_array((2, 3, 3), wrong=((3, 3, 3), (2, 3)), none_ok=True),
    cmap=st.sampled_from(["no-such-map", 3, None]),
    n_cols=bad_int(none_ok=True),
)
LABELS = {"y_true": np.array([0, 1, 1]), "y_pred": np.array([0, 1, 0])}
BAD_LABELS = st.sampled_from(
    [
        None,
        "011",
        np.array([0, 1]),
        np.array([0.5, 1, 1]),
        np.array([np.nan, 1, 1]),
        np.array([-1, 0, 1]),
        np.zeros((3, 2), int),
        np.array(["a", "b", "c"]),
        np.zeros(0, int),
    ]
)
case(
    "rnn_course.vision.confusion_matrix",
    LABELS,
    y_true=BAD_LABELS,
    y_pred=BAD_LABELS,
    num_classes=st.one_of(bad_int(none_ok=True), st.just(1)),
)
case(
    "rnn_course.vision.plot_confusion_matrix",
    {**LABELS, "class_names": ["cat", "dog"]},
    y_true=BAD_LABELS,
    y_pred=BAD_LABELS,
    class_names=st.sampled_from([None, [], "cat", [1, 2], ["cat"]]),
    normalize=st.sampled_from(["yes", None, 2]),
    title=st.sampled_from([3, b"t"]),
    cmap=st.sampled_from(["no-such-map", 3, None]),
)

# tuning (functions of a finished search are checked on their tuner only: a
# real search is too slow for this test)
case(
    "rnn_course.tuning.TextClassifierHyperModel",
    {},
    num_words=COUNT,
    maxlen=bad_int(none_ok=True),
    embedding_dim=COUNT,
    cells=st.sampled_from([[], "lstm", ["rnn"], ["lstm", "lstm"], None]),
    units=st.sampled_from([[], [0], [1.5], "16", None]),
    learning_rates=st.sampled_from(
        [(1e-2, 1e-4), (0, 1e-2), (np.nan, 1e-2), "fast", None, (1e-4,)]
    ),
    max_dropout=RATE,
    dropout_step=bad_real(0, 1, low_ok=False),
    batch_sizes=st.sampled_from([[], [0], "32", None]),
    name=st.sampled_from(["", 3, None]),
)
case(
    "rnn_course.tables.markdown_table",
    {"header": ["a", "b"], "rows": [["1", "2"]]},
    header=st.sampled_from(["ab", [1, 2], [b"a", b"b"]]),
    rows=st.sampled_from([[["1"]], [["1", "2", "3"]]]),
    align=st.sampled_from(["middle", ["left"], ["left", "up"], 3]),
)
case("rnn_course.tuning.EpochCounter", {}, runs=st.sampled_from(["runs", 3, {"a": 1}, (1, 2)]))
case(
    "rnn_course.tuning.hyperband_schedule",
    {"max_epochs": 9},
    max_epochs=COUNT,
    factor=bad_int(minimum=2),
)


def _schedule():
    from rnn_course.tuning import hyperband_schedule

    return {"schedule": hyperband_schedule(9)}


BAD_SCHEDULE = st.sampled_from([None, [], "schedule", [1, 2], [(0, 0, 3, 3, 0)]])
case("rnn_course.tuning.schedule_total_epochs", _schedule, schedule=BAD_SCHEDULE)
case("rnn_course.tuning.schedule_table", _schedule, schedule=BAD_SCHEDULE)
case("rnn_course.tuning.observed_schedule", {"tuner": None}, tuner=JUNK)
case("rnn_course.tuning.trial_rows", {"tuner": None}, tuner=JUNK)
case("rnn_course.tuning.trials_table", {"tuner": None}, tuner=JUNK)
case("rnn_course.tuning.search_cost", {"tuner": None, "counter": None}, tuner=JUNK)
case(
    "rnn_course.tuning.plot_search_scores",
    {"searches": None},
    searches=st.sampled_from([None, {}, "tuner", [1, 2], {"a": 3}]),
)

# data
SOURCE = st.one_of(st.sampled_from(["internet", "", "KERAS!", 3, b"keras", ["auto"]]))
case(
    "rnn_course.data.imdb.load_imdb",
    {"source": "synthetic"},
    num_words=bad_int(none_ok=True),
    source=SOURCE,
    maxlen=bad_int(none_ok=True),
    seed=bad_int(minimum=0),
)
case("rnn_course.data.imdb.imdb_word_index", {"source": "synthetic"}, source=SOURCE)
case(
    "rnn_course.data.imdb.decode_review",
    {"ids": [1, 4, 5], "word_index": WORD_INDEX},
    ids=st.one_of(bad_ids(), st.just([1, 999])),
    word_index=bad_mapping(),
)
case(
    "rnn_course.data.imdb.encode_review",
    {"text": "a good film", "word_index": WORD_INDEX},
    text=st.one_of(NOT_TEXT, st.sampled_from(["", "  ", "!?!"])),
    word_index=bad_mapping(),
    num_words=bad_int(none_ok=True),
)
case(
    "rnn_course.data.cifar10.load_cifar10",
    {"source": "synthetic", "n_train": 2, "n_test": 2},
    source=SOURCE,
    n_train=bad_int(none_ok=True),
    n_test=bad_int(none_ok=True),
    seed=bad_int(minimum=0),
)
SPLIT = st.sampled_from(["validation", "TRAIN!", 3, None])
SIZE0 = bad_int(minimum=0)  # the twin's own functions take 0 images too
case(
    "rnn_course.data.synthetic_cifar10.generate",
    {"n": 2},
    n=SIZE0,
    seed=bad_int(minimum=0),
    split=SPLIT,
)
case(
    "rnn_course.data.synthetic_cifar10.cache_path",
    {"n": 2, "seed": 0, "split": "train"},
    n=SIZE0,
    seed=bad_int(minimum=0),
    split=SPLIT,
)
case(
    "rnn_course.data.synthetic_cifar10.load_split",
    {"n": 2},
    n=SIZE0,
    seed=bad_int(minimum=0),
    split=SPLIT,
)
case(
    "rnn_course.data.synthetic_cifar10.load_data",
    {"n_train": 2, "n_test": 2},
    n_train=SIZE0,
    n_test=SIZE0,
    seed=bad_int(minimum=0),
)
case(
    "rnn_course.data.synthetic_imdb.generate_imdb_twin",
    {"n_train": 4, "n_test": 4},
    n_train=bad_int(),
    n_test=bad_int(),
    seed=bad_int(minimum=0),
)
JENA_N = bad_int(maximum=420_451)
case(
    "rnn_course.data.jena.load_jena_climate",
    {"source": "synthetic", "n": 2},
    source=SOURCE,
    n=bad_int(none_ok=True, maximum=420_451),
    seed=bad_int(minimum=0),
)


@functools.cache
def _tiny_jena_csv() -> str:
    from rnn_course.data.jena import JENA_COLUMNS

    folder = Path(tempfile.mkdtemp(prefix="jena_bad_input_"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "jena.csv"
    header = ",".join(f'"{name}"' for name in ("Date Time", *JENA_COLUMNS))
    path.write_text(header + "\n01.01.2009 00:10:00," + ",".join(["1.0"] * 14) + "\n")
    return str(path)


case(
    "rnn_course.data.jena.read_jena_csv",
    lambda: {"path": _tiny_jena_csv()},
    path=st.sampled_from([None, 3, b"file.csv", ["a.csv"], ""]),
)
case("rnn_course.data.synthetic_jena.times", {"n": 2}, n=JENA_N)
case("rnn_course.data.synthetic_jena.generate", {"n": 2}, n=JENA_N, seed=bad_int(minimum=0))
case("rnn_course.data.synthetic_jena.cache_path", {"seed": 0}, seed=bad_int(minimum=0))
case("rnn_course.data.synthetic_jena.load_data", {"n": 2}, n=JENA_N, seed=bad_int(minimum=0))
DATASET = st.sampled_from(["mnist", "", 3, None, ["imdb"]])


def _recorded_imdb() -> dict[str, Any]:
    from rnn_course.data.provenance import record_origin

    record_origin("imdb", "synthetic")
    return {"dataset": "imdb"}


case(
    "rnn_course.data.provenance.record_origin",
    {"dataset": "imdb", "origin": "synthetic"},
    dataset=DATASET,
    origin=st.sampled_from(["twin", "", 3, None]),
)
case("rnn_course.data.provenance.loaded_from", _recorded_imdb, dataset=DATASET)
case("rnn_course.data.provenance.is_twin", _recorded_imdb, dataset=DATASET)
case(
    "rnn_course.data.synthetic_imdb.load_imdb_twin",
    {},
    keys=st.sampled_from(["words", [], ["no_such_key"], [3], None]),
)

# tools.exercises, tools.instructor_guide, tools.assign: files live in a folder
# made once (a tiny chapter, a guide, results files)
TINY_CHAPTER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

(ch-tiny)=
# A tiny chapter

Some text.

```{code-cell} ipython3
x = 1
```
"""


@functools.cache
def _workspace() -> Path:
    """A folder with a tiny chapter, a guide, and results files good and bad (made once)."""
    from tools.instructor_guide import GUIDE_BEGIN, GUIDE_END

    folder = Path(tempfile.mkdtemp(prefix="rnn-course-bad-input-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    (folder / "chapters").mkdir()
    (folder / "chapters" / "01_tiny.md").write_text(TINY_CHAPTER, encoding="utf-8")
    (folder / "empty").mkdir()
    (folder / "guide.md").write_text(f"# Guide\n\n{GUIDE_BEGIN}\n{GUIDE_END}\n", encoding="utf-8")
    (folder / "broken").mkdir()
    (folder / "broken" / "m.json").write_text("{not json", encoding="utf-8")
    (folder / "not-json.json").write_text("{not json", encoding="utf-8")
    (folder / "a-list.json").write_text("[1, 2]", encoding="utf-8")
    (folder / "old-schema.json").write_text(
        '{"schema": 0, "machine": {"id": "m"}}', encoding="utf-8"
    )
    (folder / "good.json").write_text('{"schema": 1, "machine": {"id": "m"}}', encoding="utf-8")
    return folder


def _in_workspace(*names: str):
    return st.sampled_from(names).map(lambda name: _workspace() / name)


def _tiny() -> Path:
    return _workspace() / "chapters" / "01_tiny.md"


def _tiny_notebook():
    from tools.exercises import chapter_notebook

    return chapter_notebook(_tiny())


BAD_MD = st.one_of(
    st.sampled_from([None, 3, b"01_tiny.md", ["01_tiny.md"]]),
    _in_workspace("missing.md", "chapters", ""),
)
BAD_MDS = st.one_of(
    st.sampled_from([None, 3, "01_tiny.md", [], [None], [3]]),
    _in_workspace("missing.md").map(lambda path: [path]),
)
BAD_NOTEBOOK = st.one_of(JUNK, st.sampled_from([{}, {"cells": []}, '{"cells": []}', [1, 2]]))
# A message about a bad results file starts with the file's path.
RESULTS_FILE = (".json:",)


def _good_result() -> dict:
    return {
        "schema": 1,
        "machine": {"id": "cpu2", "cores": 2, "gpu": None},
        "chapters": [{"chapter": "01_tiny", "mode": "quick", "seconds": 5.0, "ok": True}],
        "imdb": [
            {
                "cell": "GRU",
                "recipe": "seeds",
                "epochs": 2,
                "seconds_per_epoch": 9.0,
                "val_accuracy": 0.8,
            }
        ],
        "numpy_rnn": [{"method": "python_loop", "sequences_per_second": 100.0}],
    }


# Not one machine's results: no dict, no schema, no machine id, sections that are
# not lists, entries without (or with non-string) keys. Copied: checking fills in sections.
BAD_RESULT = st.sampled_from(
    [
        None,
        3,
        "result",
        [],
        [3],
        {},
        {"schema": 2, "machine": {"id": "m"}},
        {"schema": 1},
        {"schema": 1, "machine": {"id": ""}},
        {"schema": 1, "machine": "cpu2"},
        {"schema": 1, "machine": {"id": "m"}, "imdb": "runs"},
        {"schema": 1, "machine": {"id": "m"}, "imdb": [{"cell": "GRU"}]},
        {"schema": 1, "machine": {"id": "m"}, "imdb": [{"cell": ["GRU"], "recipe": "fast"}]},
        {"schema": 1, "machine": {"id": "m"}, "chapters": [{"chapter": np.nan, "mode": "quick"}]},
        {"schema": 1, "machine": {"id": "m"}, "numpy_rnn": [3]},
        {"schema": 1, "machine": {"id": "m"}, "tests": [{"commit": "abc", "test_seconds": "600"}]},
    ]
).map(copy.deepcopy)
BAD_RESULTS = st.one_of(
    st.sampled_from([None, 3, "results", [3], [{}]]),
    BAD_RESULT.filter(lambda r: isinstance(r, dict)).map(lambda r: [r]),
)

case("tools.exercises.chapter_notebook", lambda: {"md": _tiny()}, md=BAD_MD)
case(
    "tools.exercises.notebook_text", lambda: {"notebook": _tiny_notebook()}, notebook=BAD_NOTEBOOK
)
case(
    "tools.exercises.read_exercises",
    lambda: {"notebook": _tiny_notebook()},
    notebook=BAD_NOTEBOOK,
    name=st.sampled_from([None, 3, b"01_tiny.md", ["01_tiny.md"]]),
)
case(
    "tools.exercises.solution_stub",
    {"sources": ["def f(x):\n    return x\n"]},
    sources=st.sampled_from([None, 3, "x = 1", b"x = 1", [3], ["x = 1", None], [b"x = 1"]]),
    needed=st.sampled_from([None, 3, "count", [3], ["count", None], ["not a name"], ["1x"]]),
    label=st.sampled_from([None, 3, b"ex-1", ["ex-1"]]),
)


def _tiny_exercises():
    from tools.exercises import read_exercises

    return {"chapter": read_exercises(_tiny_notebook(), "01_tiny.md")}


case(
    "tools.exercises.student_notebook",
    _tiny_exercises,
    chapter=st.one_of(JUNK, st.just("notebook").map(lambda _: _tiny_notebook())),
)
case(
    "tools.instructor_guide.chapter_info",
    lambda: {"md": _tiny()},
    md=BAD_MD,
    labels=st.sampled_from([3, "labels", [("ch-tiny", "1")], {"ch-tiny": 1}, {1: "1"}]),
)


def _tiny_info():
    from tools.instructor_guide import chapter_info

    return {"infos": [chapter_info(_tiny())], "results": [_good_result()]}


case(
    "tools.instructor_guide.render_guide_tables",
    _tiny_info,
    infos=st.sampled_from([None, 3, "infos", [], [3], [{"stem": "01_tiny"}]]),
    results=BAD_RESULTS,
)
case(
    "tools.instructor_guide.render_guide",
    lambda: {
        "text": (_workspace() / "guide.md").read_text(encoding="utf-8"),
        "mds": [_tiny()],
        "results": [_good_result()],
    },
    text=st.sampled_from([None, 3, b"guide", ["guide"]]),
    mds=BAD_MDS,
    results=BAD_RESULTS,
)
# A missing guide or chapters folder is named as such ("no instructor guide at ...").
case(
    "tools.instructor_guide.write_guide",
    lambda: {
        "path": _workspace() / "guide.md",
        "mds": [_tiny()],
        "results_folder": _workspace() / "no-results",
    },
    aliases={"path": ("instructor guide",)},
    path=st.one_of(
        st.sampled_from([None, 3, b"guide.md", ["guide.md"]]),
        _in_workspace("missing.md", "chapters"),
    ),
    mds=BAD_MDS,
    results_folder=st.sampled_from([3, b"results", ["results"]]),
)
case(
    "tools.assign.chapter_sources",
    lambda: {"source": _workspace() / "chapters"},
    aliases={"source": ("chapters folder", "no chapter")},
    source=st.one_of(
        st.sampled_from([None, 3, b"chapters", ["chapters"]]),
        _in_workspace("missing", "empty", "guide.md"),
    ),
)
case(
    "tools.assign.select_chapters",
    lambda: {"mds": [_tiny()], "wanted": ["01"]},
    aliases={"wanted": ("no chapter named",)},
    mds=st.sampled_from([None, 3, "01_tiny.md", [], [None], [3]]),
    wanted=st.sampled_from([3, "01", b"01", [3], ["01", None], ["99"], ["tiny"]]),
)
case("tools.assign.student_text", lambda: {"md": _tiny()}, md=BAD_MD)
case(
    "tools.assign.sync_students",
    lambda: {"mds": [_tiny()], "folder": _workspace() / "student", "check": True},
    mds=BAD_MDS,
    folder=st.sampled_from([None, 3, b"student", ["student"]]),
)
case(
    "tools.exercises.colab_hidden",
    lambda: {"cell": __import__("nbformat").v4.new_code_cell("x = 1"), "label": "ex-1"},
    cell=st.one_of(JUNK, st.sampled_from([{}, {"cell_type": "markdown", "source": "x"}])),
    label=st.sampled_from([None, 3, b"ex-1", ["ex-1"]]),
)
case("tools.exercises.todo_id", {"label": "ex-02-count"},
     label=st.sampled_from([None, 3, "", b"ex-1", ["ex-1"]]))
case("tools.exercises.without_colab_title", {"source": "x = 1"},
     source=st.sampled_from([None, 3, b"x = 1", ["x = 1"]]))
case(
    "tools.instructor_guide.student_link",
    {"stem": "02_rnn_pseudocode"},
    stem=st.sampled_from([None, 3, b"02", ["02"]]),
    config=st.one_of(st.sampled_from([3, b"_config.yml", ["_config.yml"]]),
                     _in_workspace("missing.yml")),
)
case(
    "tools.assign.export_chapter",
    lambda: {"md": _tiny(), "out": _workspace() / "out"},
    md=BAD_MD,
    out=st.sampled_from([None, 3, b"out", ["out"]]),
)

# batching, its model and trainer (valid calls on a few tiny reviews; every bad
# one is refused before any dataset is built or model trained)
LENGTHS = np.array([3, 5, 8, 12, 20, 30])
SIX_REVIEWS = [list(range(1, n + 1)) for n in (3, 5, 8, 2, 6, 4)]
SIX_LABELS = np.array([0, 1, 0, 1, 1, 0])
BAD_LENGTHS = st.one_of(
    BAD_REVIEWS,
    st.sampled_from(
        [
            np.array([], int),
            np.array([3, -1]),
            np.array([1.5, 2.0]),
            np.array([np.nan, 3.0]),
            np.array(["3", "4"]),
            np.array([True, False]),
        ]
    ),
)
BAD_SEQUENCES = st.one_of(
    BAD_REVIEWS,
    st.sampled_from(
        [[[1, 2], [1.5, 2.0]], [[1, np.nan]], [["a", "b"]], [[1, -2]], [[[1, 2]]], [[1, 2], 3]]
    ),
)
BAD_BOUNDARIES = st.sampled_from(
    ["64", 64, [1.5], [np.nan], [0], [-8], [3, 2], [2, 2], np.array([2]), [True], ["8"], [None]]
)
case(
    "rnn_course.batching.length_cut",
    {"sequences": LENGTHS},
    sequences=BAD_LENGTHS,
    coverage=bad_real(0, 1, low_ok=False),
    multiple=COUNT,
)
case(
    "rnn_course.batching.bucket_batches",
    {"lengths": LENGTHS, "boundaries": [8, 16], "batch_size": 2},
    lengths=BAD_LENGTHS,
    boundaries=st.one_of(BAD_BOUNDARIES, st.none()),
    batch_size=COUNT,
    rng=st.sampled_from([3, "seed", object(), np.random.RandomState(0)]),
)
case(
    "rnn_course.batching.padding_share",
    {"lengths": LENGTHS, "maxlen": 16, "batch_size": 2, "boundaries": [8, 12]},
    lengths=BAD_LENGTHS,
    maxlen=COUNT,
    batch_size=COUNT,
    boundaries=BAD_BOUNDARIES,
    seed=bad_int(minimum=0),
)
case(
    "rnn_course.batching.bucketed_dataset",
    {"sequences": SIX_REVIEWS, "labels": SIX_LABELS, "maxlen": 8, "batch_size": 2},
    sequences=BAD_SEQUENCES,
    labels=bad_labels(),
    maxlen=COUNT,
    batch_size=COUNT,
    boundaries=BAD_BOUNDARIES,
    shuffle=st.sampled_from(["yes", None, 1, 0.5]),
    seed=bad_int(minimum=0),
    padding=st.sampled_from(["middle", "", "POST", 3, None, ["post"]]),
    pad_to_boundary=st.sampled_from(["yes", None, 2]),
)
case(
    "rnn_course.models.build_fast_classifier",
    {"cell": "gru", "num_words": 50, "embedding_dim": 2, "units": 2},
    cell=st.sampled_from(["rnn", "LSTM", 3, None]),
    mask=st.sampled_from(["yes", None, 1]),
    jit_compile=st.sampled_from(["auto", None, 1]),
    num_words=COUNT,
    units=COUNT,
    # build_fast_classifier sets these itself: passing one is refused
    maxlen=st.sampled_from([8, None]),
    mask_zero=st.just(True),
    compile=st.just(True),
)
case(
    "rnn_course.models.cudnn_problems",
    lambda: {"model": _tiny_model()},
    model=st.one_of(JUNK, st.sampled_from(["model", [1, 2]])),
)
case(
    "rnn_course.training.steady_seconds",
    {"epoch_seconds": [9.0, 2.0, 3.0]},
    epoch_seconds=st.sampled_from(
        [
            [],
            None,
            "1.0",
            3.0,
            (),
            [np.nan],
            [1.0, np.inf],
            ["a"],
            [[1.0]],
            [-1.0],
            [True],
            np.array([1.0, 2.0]),
            [2j],
        ]
    ),
)
case(
    "rnn_course.training.train_with_recipe",
    {
        "recipe": "seeds",
        "cell": "simple_rnn",
        "x_train": SIX_REVIEWS,
        "y_train": SIX_LABELS,
        "x_val": SIX_REVIEWS,
        "y_val": SIX_LABELS,
        "epochs": 1,
    },
    recipe=st.sampled_from(["slow", "", "SEEDS", 3, None, ["seeds"]]),
    cell=st.sampled_from(["rnn", "LSTM", 3, None, ["gru"]]),
    x_train=BAD_SEQUENCES,
    y_train=bad_labels(),
    x_val=BAD_SEQUENCES,
    y_val=bad_labels(),
    epochs=COUNT,
    seed=bad_int(minimum=0),
    batch_size=bad_int(none_ok=True),
)
case(
    "rnn_course.batching.plot_padding",
    {"lengths": LENGTHS, "maxlen": 16, "batch_size": 2, "boundaries": [8, 12], "rows": 4},
    lengths=BAD_LENGTHS,
    maxlen=COUNT,
    batch_size=COUNT,
    boundaries=BAD_BOUNDARIES,
    rows=COUNT,
    seed=bad_int(minimum=0),
)

# distributed, devices
BAD_HOST = st.one_of(NOT_TEXT, st.sampled_from(["0.0.0.0", "10.0.0.1", "localhost", "::1", "",
                                                "example.org"]))
BAD_DIRECTORY = st.one_of(st.sampled_from([None, 3, ["folder"], b"folder"]),
                          _in_workspace("no-such-folder", "empty"))
case("rnn_course.distributed.check_loopback", {"host": "127.0.0.1"}, host=BAD_HOST)
case("rnn_course.distributed.free_port", {"host": "127.0.0.1"}, host=BAD_HOST)
case(
    "rnn_course.distributed.search_settings",
    {},
    num_words=COUNT, maxlen=COUNT, n_train=bad_int(minimum=10), max_epochs=COUNT,
    factor=bad_int(minimum=2), patience=COUNT, embedding_dim=COUNT,
    seed=bad_int(minimum=0, maximum=2**32 - 1),
    units=st.sampled_from([[], (0,), (16, -1), "16", None, [1.5], [True]]),
    batch_sizes=st.sampled_from([[], (0,), "64", None, [64.0]]),
    cells=st.sampled_from([[], ["rnn"], "lstm", None, [3], 3]),
    learning_rates=st.sampled_from([(1e-2, 1e-3), (0, 1), "x", None, (1e-3,), (np.nan, 1.0),
                                    (1e-3, "1"), 3]),
    project_name=st.sampled_from(["", "a b", 3, None, "../x", ["imdb"]]),
)
BAD_SETTINGS = st.sampled_from([None, {}, {"seed": 1}, "settings", [1], 3])
def _search_folder() -> Path:
    folder = _workspace() / "search"  # LocalSearch adds a logs folder: not "empty"
    folder.mkdir(exist_ok=True)
    return folder


case(
    "rnn_course.distributed.LocalSearch",
    lambda: {"directory": _search_folder(),
             "settings": _resolve("rnn_course.distributed.search_settings")()},
    directory=BAD_DIRECTORY.filter(lambda d: not (isinstance(d, Path) and d.name == "empty")),
    settings=BAD_SETTINGS,
    workers=COUNT,
    host=BAD_HOST,
    port=st.one_of(bad_int(none_ok=True), st.integers(min_value=65536)),
)
case("rnn_course.distributed.trial_events", lambda: {"directory": _workspace() / "empty"},
     directory=BAD_DIRECTORY.filter(lambda d: not (isinstance(d, Path) and d.name == "empty")))
case("rnn_course.distributed.read_trials", lambda: {"directory": _workspace() / "empty"},
     directory=BAD_DIRECTORY)
TRIAL_ROW = {"id": "0000", "cell": "gru", "units": 8, "dropout": 0.0, "learning_rate": 1e-3,
             "batch_size": 32, "bracket": 0, "round": 0, "continues": None, "score": 0.5,
             "status": "COMPLETED"}
case(
    "rnn_course.distributed.shared_trials_table",
    lambda: {"trials": [dict(TRIAL_ROW)], "events": []},
    trials=st.sampled_from([None, "trials", [], 3, [1, 2], [{"cell": "gru"}]]),
    events=st.sampled_from([None, "events", 3, [1], [{"trial": "0000"}]]),
)
case(
    "rnn_course.devices.split_cpu",
    {"count": 2},
    count=bad_int(),
)
case(
    "rnn_course.devices.scaled_learning_rate",
    {"base_learning_rate": 1e-3, "base_batch": 64, "batch": 128},
    base_learning_rate=bad_real(0, np.inf, low_ok=False),
    base_batch=COUNT,
    batch=COUNT,
)


def _strategy_and_data():
    import tensorflow as tf

    data = tf.data.Dataset.from_tensor_slices((np.zeros((4, 3)), np.zeros(4))).batch(2)
    return {"strategy": tf.distribute.get_strategy(), "dataset": data}


case(
    "rnn_course.devices.per_replica_shapes",
    _strategy_and_data,
    strategy=st.one_of(JUNK, st.sampled_from(["mirrored", [1, 2]])),
    dataset=st.one_of(JUNK, st.sampled_from([np.zeros((4, 3)), [1, 2]])),
)

# benchmark_results
case(
    "rnn_course.benchmark_results.load_result",
    lambda: {"path": _workspace() / "good.json"},
    aliases={"path": RESULTS_FILE},
    path=st.one_of(
        st.sampled_from([None, 3, b"m.json", ["m.json"]]),
        _in_workspace("not-json.json", "a-list.json", "old-schema.json"),
    ),
)
case(
    "rnn_course.benchmark_results.load_results",
    lambda: {"folder": _workspace() / "empty"},
    aliases={"folder": RESULTS_FILE},
    folder=st.one_of(st.sampled_from([3, b"results", ["results"]]), _in_workspace("broken")),
)
case(
    "rnn_course.benchmark_results.chapter_seconds",
    lambda: {"results": [_good_result()], "chapter": "01_tiny"},
    results=BAD_RESULTS,
    chapter=st.sampled_from([None, 3, b"01_tiny", ["01_tiny"]]),
    mode=st.sampled_from(["fast", "", "QUICK", None, 3, ["quick"]]),
    machine=st.sampled_from([3, b"cpu2", ["cpu2"]]),
)
for _name in (
    "imdb_comparison",
    "numpy_comparison",
    "machine_line",
    "chapters_markdown",
    "tests_markdown",
    "imdb_markdown",
    "numpy_markdown",
    "markdown_report",
):
    case(
        f"rnn_course.benchmark_results.{_name}",
        lambda: {"result": _good_result()},
        result=BAD_RESULT,
    )
case(
    "rnn_course.benchmark_results.merge_results",
    lambda: {"old": _good_result(), "new": _good_result()},
    old=BAD_RESULT.filter(lambda r: r is not None),
    new=BAD_RESULT,
)


# date_task, seq2seq (Chapter 12)
BAD_DATE_TEXTS = st.sampled_from(
    [None, "3 May 1999", 3, b"3 May", [3], [None], [], [""], ["3 Mai 1999 \u00e9"]])
case(
    "rnn_course.date_task.format_date",
    lambda: {"date": __import__("datetime").date(1999, 5, 3), "style": "d month yyyy"},
    date=st.one_of(JUNK, st.sampled_from(["1999-05-03", 19990503])),
    style=st.one_of(NOT_TEXT, st.sampled_from(["", "yyyy/mm/dd", "D MONTH YYYY"])),
)
case("rnn_course.date_task.make_date_pairs", {"n": 4}, n=bad_int(), seed=bad_int(minimum=0))
case(
    "rnn_course.date_task.encode_inputs",
    {"texts": ["3 May 1999"]},
    texts=BAD_DATE_TEXTS,
    maxlen=st.one_of(bad_int(none_ok=True), st.integers(1, 9)),
)
case(
    "rnn_course.date_task.encode_targets",
    {"targets": ["1999-05-03"]},
    targets=st.one_of(BAD_DATE_TEXTS, st.sampled_from([["1999/05/03"], ["1999-5-3"]])),
)
case(
    "rnn_course.date_task.decode_outputs",
    {"ids": np.array([[3, 4, 2]])},
    ids=st.one_of(
        bad_array((1, 3), wrong=((3,), (1, 3, 1)), empty=((0, 3),)),
        st.sampled_from([np.array([[1.5, 2.0]]), np.array([[-1, 3]]), np.array([[99]])]),
    ),
)
case(
    "rnn_course.date_task.exact_match",
    {"predicted": ["a"], "expected": ["a"]},
    predicted=st.one_of(BAD_DATE_TEXTS.filter(lambda v: v not in ([""], ["3 Mai 1999 \u00e9"])),
                        st.just(["a", "b"])),
    expected=st.one_of(BAD_DATE_TEXTS.filter(lambda v: v not in ([""], ["3 Mai 1999 \u00e9"])),
                       st.just(["a", "b"])),
)


def _attention_case() -> dict[str, Any]:
    rng = np.random.default_rng(0)
    return {"query": rng.standard_normal(4), "states": rng.standard_normal((6, 5)),
            "W_query": rng.standard_normal((3, 4)), "W_key": rng.standard_normal((3, 5)),
            "v": rng.standard_normal(3)}


case(
    "rnn_course.seq2seq.additive_attention",
    _attention_case,
    query=bad_array((4,), wrong=((3,), (1, 4)), empty=((0,),)),
    states=bad_array((6, 5), wrong=((6, 4), (6,)), empty=((0, 5),)),
    W_query=bad_array((3, 4), wrong=((4, 3), (3,)), empty=((0, 4),)),
    W_key=bad_array((3, 5), wrong=((5, 3), (3, 4)), empty=((3, 0),)),
    v=bad_array((3,), wrong=((2,), (3, 1)), empty=((0,),), none_ok=False),
    mask=st.sampled_from([np.zeros(6, bool), np.ones(6), np.ones(5, bool), "mask", 3]),
)
case(
    "rnn_course.seq2seq.plot_attention",
    {"weights": np.full((2, 3), 1 / 3), "source": "abc", "output": "xy"},
    weights=st.one_of(bad_array((2, 3), wrong=((3, 2), (2,)), empty=((0, 3),)),
                      st.just(-np.ones((2, 3)))),
    source=st.one_of(NOT_TEXT, st.sampled_from(["ab", "abcd"])),
    output=st.one_of(NOT_TEXT, st.sampled_from(["x", "xyz"])),
    ax=JUNK.filter(lambda v: v is not None),
    title=NOT_TEXT.filter(lambda v: v is not None),
)


# forecasting (Chapter 13)
def _spec():
    from rnn_course.forecasting import WindowSpec

    return WindowSpec(sequence_length=4, sampling_rate=2, horizon=3)


def _hours(n: int = 10) -> np.ndarray:
    return np.datetime64("2020-01-01T00", "h") + np.arange(n)


NOT_A_SPEC = st.one_of(JUNK, st.sampled_from([(4, 2, 3, 1), {"sequence_length": 4}]))
case(
    "rnn_course.forecasting.WindowSpec",
    {"sequence_length": 4},
    sequence_length=bad_int(),
    sampling_rate=bad_int(),
    horizon=bad_int(),
    stride=bad_int(),
)
case(
    "rnn_course.forecasting.split_in_time",
    {"n_rows": 100},
    n_rows=bad_int(minimum=3),
    train=bad_real(0, 1, low_ok=False, high_ok=False),
    validation=bad_real(0, 1, low_ok=False, high_ok=False),
)
case(
    "rnn_course.forecasting.fit_normalisation",
    lambda: {"values": _random((6, 2), 0), "train_end": 4},
    values=bad_array((6, 2), wrong=((6,), (6, 2, 1)), empty=((0, 2),)),
    train_end=bad_int(minimum=2, maximum=6),
)
case(
    "rnn_course.forecasting.normalise",
    lambda: {"values": _random((4, 2), 0), "mean": np.zeros(2), "std": np.ones(2)},
    values=bad_array((4, 2), wrong=((4,), (4, 2, 1)), empty=((0, 2),)),
    mean=bad_array((2,), wrong=((3,), (2, 1))),
    std=st.one_of(bad_array((2,), wrong=((3,), (2, 1))), st.just(np.zeros(2))),
)
case(
    "rnn_course.forecasting.time_features",
    lambda: {"times": _hours()},
    times=st.sampled_from([
        None, "2020-01-01", np.arange(3), np.array([], dtype="datetime64[s]"),
        np.array(["NaT"], dtype="datetime64[s]"), np.zeros((2, 2), dtype="datetime64[s]"),
    ]),
)
case(
    "rnn_course.forecasting.window_ends",
    lambda: {"start": 0, "end": 100, "spec": _spec()},
    start=bad_int(minimum=0),
    end=bad_int(),
    spec=NOT_A_SPEC,
)
case(
    "rnn_course.forecasting.naive_mae",
    lambda: {"temperature": _random((100,), 0), "start": 0, "end": 100, "spec": _spec()},
    temperature=bad_array((100,), wrong=((100, 1),), empty=((0,),)),
    start=bad_int(minimum=0),
    end=st.one_of(bad_int(), st.integers(101, 10**6)),
    spec=NOT_A_SPEC,
)
case(
    "rnn_course.forecasting.make_windows",
    lambda: {"features": _random((100, 3), 0), "temperature": _random((100,), 1),
             "start": 0, "end": 100, "spec": _spec(), "batch_size": 8},
    features=bad_array((100, 3), wrong=((100,),), empty=((0, 3),)),
    temperature=bad_array((100,), wrong=((99,), (100, 1))),
    start=bad_int(minimum=0),
    end=st.one_of(bad_int(), st.integers(101, 10**6)),
    spec=NOT_A_SPEC,
    batch_size=bad_int(),
    shuffle=st.sampled_from(["yes", None, 2]),
    seed=bad_int(minimum=0),
)
case(
    "rnn_course.forecasting.plot_forecasts",
    lambda: {"times": _hours(), "truth": _random((10,), 0), "forecasts": {"a": np.zeros(10)}},
    times=st.sampled_from([None, "2020-01-01", np.arange(10),
                           np.array([], dtype="datetime64[s]")]),
    truth=bad_array((10,), wrong=((9,), (10, 1))),
    forecasts=st.sampled_from([None, {}, [1, 2], {"a": np.zeros(9)}, {3: np.zeros(10)},
                               {"a": np.full(10, np.nan)}, {"a": "text"}]),
    title=st.sampled_from([None, 3, b"title"]),
)
case(
    "rnn_course.models.build_forecaster",
    {"kind": "gru", "sequence_length": 4, "features": 2, "units": 2},
    kind=st.sampled_from(["lstm", 3, None, "GRU"]),
    sequence_length=COUNT,
    features=COUNT,
    units=COUNT,
    recurrent_dropout=RATE,
    learning_rate=bad_real(0, np.inf, low_ok=False),
    compile=st.sampled_from(["yes", None, 2]),
)


# memory_tasks (Chapter 8b)
BAD_LAGS = st.sampled_from([(), "124", None, (2, 1), (1, 1), (-1, 2), (1.5,), (1, 99)])
case(
    "rnn_course.memory_tasks.marked_recall",
    {"n_sequences": 4, "timesteps": 8},
    n_sequences=COUNT,
    timesteps=COUNT,
    n_symbols=bad_int(minimum=2),
    mark_rate=bad_real(0, 1, low_ok=False),
    lag=st.one_of(bad_int(minimum=0, maximum=7).filter(lambda v: v is not None),
                  st.just(8)),
    seed=bad_int(minimum=0),
)
case(
    "rnn_course.memory_tasks.memory_sweep",
    {"cells": ("lstm",), "seeds": (0,), "lags": (1, 2), "timesteps": 8, "n_train": 8,
     "epochs": 1},
    cells=st.sampled_from([("rnn",), "lstm", (), None, (3,)]),
    seeds=st.sampled_from([(), None, "0", (-1,), (1.5,)]),
    lags=BAD_LAGS,
    timesteps=COUNT,
    n_train=COUNT,
    epochs=COUNT,
    batch_size=COUNT,
    units=COUNT,
    n_symbols=bad_int(minimum=2),
    mark_rate=bad_real(0, 1, low_ok=False),
    n_per_lag=COUNT,
    learning_rate=bad_real(0, np.inf, low_ok=False),
)
case(
    "rnn_course.memory_tasks.memory_lengths",
    {"accuracy": np.full(3, 0.5), "lags": (1, 2, 4), "n_per_lag": 10, "chance": 0.25},
    accuracy=st.one_of(JUNK, st.sampled_from([np.zeros(2), np.full(3, np.nan),
                                              np.zeros((1, 1, 3)), np.array([])])),
    lags=BAD_LAGS,
    n_per_lag=COUNT,
    chance=bad_real(0, 1, low_ok=False, high_ok=False),
)
case(
    "rnn_course.memory_tasks.length_order",
    {"shorter": [1, 2], "longer": [4]},
    shorter=st.sampled_from([[], "12", None, [np.nan], [-1.0], [[1, 2]], [2j]]),
    longer=st.sampled_from([[], "12", None, [np.nan], [-1.0], [[1, 2]], [2j]]),
)


def _sweep():
    from rnn_course.memory_tasks import MemorySweep

    return MemorySweep(cells=("lstm",), seeds=(0,), lags=(1,), accuracy=np.ones((1, 1, 1)),
                       n_per_lag=1, chance=0.25, seconds=np.ones((1, 1)))


case(
    "rnn_course.memory_tasks.plot_memory_sweep",
    lambda: {"sweep": _sweep()},
    sweep=st.one_of(JUNK, st.sampled_from([[1], "sweep"])),
    labels=st.sampled_from([["a", "b"], [], "lstm", [3]]),
)
case(
    "rnn_course.models.build_recall_model",
    {"units": 2},
    cell=st.sampled_from(["rnn", "LSTM", 3, None]),
    units=COUNT,
    n_symbols=bad_int(minimum=2),
    learning_rate=bad_real(0, np.inf, low_ok=False),
    compile=st.sampled_from(["yes", None, 2]),
)


# Chapter 11: the text corpus, the language-model helpers, the NumPy char-RNN
EXEMPT.update({
    "rnn_course.data.text_corpus.keras_cache_path": "takes no input",
    "rnn_course.numpy_nets.char_rnn.SoftmaxLoss": "a result record that "
    "softmax_cross_entropy fills",
    "rnn_course.numpy_nets.char_rnn.CharRNNParams": "a plain tuple of weights; char_rnn_loss "
    "and char_rnn_step check its type where it is used",
    "rnn_course.numpy_nets.char_rnn.CharRNNResult": "a result record that char_rnn_loss fills",
})
case("rnn_course.data.text_corpus.load_text_corpus", {"source": "synthetic"}, source=SOURCE)
LM_IDS = {"train_ids": np.array([0, 1, 2, 1, 0]), "eval_ids": np.array([1, 2, 0])}
case(
    "rnn_course.language_model.ngram_cross_entropy",
    {**LM_IDS, "vocab_size": 3},
    train_ids=bad_ids(),
    eval_ids=bad_ids(),
    vocab_size=bad_int(),
    order=bad_int(maximum=3),
    alpha=bad_real(0, np.inf, low_ok=False),
)
case("rnn_course.language_model.CharVocabulary", {"text": "abc"},
     text=st.one_of(NOT_TEXT, st.just("")))
case(
    "rnn_course.language_model.softmax_with_temperature",
    lambda: {"logits": _random((2, 4), 0), "temperature": 0.5},
    logits=bad_array((2, 4), empty=((0,),)),
    temperature=bad_real(0, np.inf),
)


def _next_logits(ids):
    return np.eye(3)[(np.asarray(ids) + 1) % 3]


case(
    "rnn_course.language_model.generate",
    {"step": _next_logits, "prompt_ids": [0, 1], "length": 3, "temperatures": [0, 1.0]},
    step=st.sampled_from([None, 3, "net"]),
    prompt_ids=bad_ids(),
    length=bad_int(),
    temperatures=st.sampled_from([[], "hot", 3, [-1.0], [np.nan], None, [None]]),
    seed=bad_int(minimum=0),
)


@functools.cache
def _stateful_lstm():
    from rnn_course.models import build_char_lstm

    return build_char_lstm(4, units=2, embedding_dim=2, stateful=True, batch_size=1)


case("rnn_course.language_model.keras_stepper", lambda: {"model": _stateful_lstm()},
     model=JUNK)
case("rnn_course.language_model.words", {"text": "a cat"}, text=NOT_TEXT)
case(
    "rnn_course.language_model.known_word_fraction",
    {"text": "a cat", "known": {"cat"}},
    text=st.one_of(NOT_TEXT, st.just("... 42")),
    known=st.sampled_from([None, 3, "cat", b"cat", object()]),
)
case(
    "rnn_course.language_model.repeating_tail",
    {"text": "abab"},
    text=NOT_TEXT,
    min_repeats=bad_int(minimum=2),
)
case(
    "rnn_course.language_model.next_char_windows",
    {"ids": np.arange(10), "seq_len": 3},
    ids=st.one_of(bad_ids(), st.just(np.arange(3))),
    seq_len=bad_int(),
)
case(
    "rnn_course.language_model.stateful_batches",
    {"ids": np.arange(40), "batch_size": 2, "seq_len": 3},
    ids=st.one_of(bad_ids(), st.just(np.arange(5))),
    batch_size=bad_int(),
    seq_len=bad_int(),
)
case(
    "rnn_course.models.build_char_lstm",
    {"vocab_size": 5, "units": 2, "embedding_dim": 2},
    vocab_size=COUNT,
    units=COUNT,
    embedding_dim=COUNT,
    learning_rate=bad_real(0, np.inf, low_ok=False),
    clipnorm=bad_real(0, np.inf, low_ok=False),
    stateful=st.sampled_from(["yes", None, 2]),
    batch_size=bad_int(none_ok=True),
)
CHAR_UNITS = 3


def _char_params():
    from rnn_course.numpy_nets import init_char_rnn

    return init_char_rnn(5, CHAR_UNITS, seed=0)


BAD_CHAR_IDS = st.sampled_from(
    [[[1.5, 2.0, 0.5]], [1, 2], np.zeros((0, 3), int), [[1, 99, 0]], [[-1, 0, 0]], "text", None]
)
case(
    "rnn_course.numpy_nets.char_rnn.softmax_cross_entropy",
    lambda: {"states": _random((2, 3, 4), 0), "V": _random((5, 4), 1), "c": _random((5,), 2),
             "targets": np.zeros((2, 3), int)},
    states=bad_array((2, 3, 4), wrong=((4,),), empty=((0, 3, 4),)),
    V=bad_array((5, 4), wrong=((5, 3), (4,)), empty=((0, 4),)),
    c=bad_array((5,), wrong=((4,),)),
    targets=st.sampled_from([np.zeros((2, 3)), np.zeros((2, 2), int), np.full((2, 3), 5),
                             "text", None]),
)
case(
    "rnn_course.numpy_nets.char_rnn.init_char_rnn",
    {"vocab_size": 5, "units": 3},
    vocab_size=bad_int(),
    units=bad_int(),
    seed=bad_int(minimum=0),
)
case(
    "rnn_course.numpy_nets.char_rnn.char_rnn_loss",
    lambda: {"params": _char_params(), "inputs": np.zeros((1, 3), int),
             "targets": np.ones((1, 3), int)},
    params=st.one_of(JUNK, st.just("tuple").map(lambda _: tuple(_char_params()))),
    inputs=BAD_CHAR_IDS,
    targets=BAD_CHAR_IDS,
    h0=bad_array((1, CHAR_UNITS), wrong=((2,), (1, CHAR_UNITS, 1)), none_ok=True),
)
case(
    "rnn_course.numpy_nets.char_rnn.char_rnn_step",
    lambda: {"params": _char_params(), "ids": np.array([0, 1])},
    aliases={"h": ("h0",)},
    params=st.one_of(JUNK, st.just("tuple").map(lambda _: tuple(_char_params()))),
    ids=st.sampled_from([[[1]], [1.5], [99], [], "text", None]),
    h=bad_array((2, CHAR_UNITS), wrong=((2,), (2, CHAR_UNITS, 1)), none_ok=True),
)
case(
    "rnn_course.plotting.plot_bits_per_char",
    {"nats": {"unigram": 3.0, "LSTM": 1.5}, "title": "t"},
    nats=st.sampled_from([None, [], {}, {"a": np.nan}, {"a": -1.0}, {"a": "1"}, "nats"]),
    title=st.sampled_from([None, 3, b"t"]),
)
case(
    "rnn_course.plotting.plot_next_char_distributions",
    {"logits": np.array([1.0, 0.0, -1.0]), "chars": ["a", " ", "\n"], "temperatures": [0.5, 1]},
    logits=bad_array((3,), wrong=((3, 1),), empty=((0,),)),
    chars=st.sampled_from([None, "abc", ["a", "b"], [1, 2, 3]]),
    temperatures=st.sampled_from([None, [], "hot", [0], [-1.0], [np.nan], 3]),
    top=bad_int(),
)
case(
    "rnn_course.numpy_nets.char_rnn.Adam",
    {},
    learning_rate=bad_real(0, np.inf, low_ok=False),
    beta_1=bad_real(0, 1, high_ok=False),
    beta_2=bad_real(0, 1, high_ok=False),
    epsilon=bad_real(0, np.inf, low_ok=False),
)


# ---------------------------------------------------------------- the tests


def test_every_public_function_is_covered_or_exempt():
    public = set(public_callables())
    family = {name for name in public if _family(name)}
    uncovered = sorted(public - set(CASES) - set(EXEMPT) - family)
    assert not uncovered, (
        "public functions without a bad-input case in tests/test_bad_input.py (add one to "
        f"CASES, or to EXEMPT with the reason): {', '.join(uncovered)}"
    )
    both = sorted(set(CASES) & (set(EXEMPT) | family))
    assert not both, f"registered and exempt at once: {', '.join(both)}"
    stale = sorted((set(CASES) | set(EXEMPT)) - public)
    assert not stale, f"registered but not a public function any more: {', '.join(stale)}"
    empty = sorted(
        f"{module}.{prefix}*"
        for module, prefix in EXEMPT_FAMILIES
        if not any(_in_family(name, module, prefix) for name in family)
    )
    assert not empty, f"exempt families with no public function any more: {', '.join(empty)}"
    assert all(reason.strip() for reason in [*EXEMPT.values(), *EXEMPT_FAMILIES.values()])


def test_the_enumeration_finds_what_it_must():
    """The walk sees functions, classes and sub-packages, and skips private names."""
    public = public_callables()
    assert "rnn_course.numpy_nets.simple.rnn_forward" in public
    assert "rnn_course.training.TrainingRecord" in public  # classes count
    assert "rnn_course.data.imdb.load_imdb" in public  # sub-packages are walked
    assert "rnn_course.training.plot_curves" not in public  # imported, not defined there
    assert "rnn_course.checks.rnn.check_rnn_forward" in public  # exempt as a family, still found
    # Every checker, in whichever module of rnn_course.checks it is written.
    from rnn_course import checks

    found = {name.rsplit(".", 1)[1] for name in public if _family(name)}
    assert found == {name for name in checks.__all__ if name.startswith("check_")}
    assert "tools.exercises.read_exercises" in public  # the tools' modules are walked too
    assert "tools.assign.read_exercises" not in public  # imported there, not defined
    assert not any(
        _is_private(name.rsplit(".", 1)[0]) or name.rsplit(".", 1)[1].startswith("_")
        for name in public
    )


def _check_message(
    error: pytest.ExceptionInfo,
    param: str,
    value: Any,
    aliases: tuple[str, ...],
    homes: tuple[Path, ...] = (PACKAGE_DIR,),
) -> None:
    message = str(error.value)
    assert message.strip(), "the error has no message"
    assert "\n" not in message, f"the message spans lines: {message!r}"
    assert len(message) <= MAX_MESSAGE, f"the message is {len(message)} characters: {message!r}"
    origin = Path(traceback.extract_tb(error.tb)[-1].filename).resolve()
    assert any(home in origin.parents for home in homes), (
        f"raised inside {origin.name}, not by {' or '.join(home.name for home in homes)}: "
        f"{type(error.value).__name__}: {message}"
    )
    # The parameter's name, or the bad value itself ("history has no 'auc'").
    named = [name.lower() for name in (param, *aliases)]
    if isinstance(value, str) and value.strip():
        named.append(repr(value).lower())
    assert any(name in message.lower() for name in named), (
        f"the message does not name {param!r}: {message!r}"
    )


@pytest.mark.parametrize("qualname", sorted(CASES))
@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_bad_input_raises_one_clear_line(qualname, data):
    case_ = CASES[qualname]
    param = data.draw(st.sampled_from(sorted(case_.bad)), label="parameter")
    value = data.draw(case_.bad[param], label=param)
    function = _resolve(qualname)
    try:
        with pytest.raises((ValueError, TypeError)) as error:
            function(**{**case_.valid(), param: value})
    finally:
        plt.close("all")
    # A tool's check may be its own or the package's (rnn_course._validate).
    homes = (PACKAGE_DIR, TOOLS_DIR) if qualname.startswith("tools.") else (PACKAGE_DIR,)
    _check_message(error, param, value, case_.aliases.get(param, ()), homes)
