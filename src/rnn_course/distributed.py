"""One KerasTuner search run by a chief and several workers (Chapter 10b).

KerasTuner distributes a search with three environment variables: every
process runs the same script; ``KERASTUNER_TUNER_ID="chief"`` makes one of
them the **chief**, which holds the oracle and serves it over gRPC at
``KERASTUNER_ORACLE_IP:KERASTUNER_ORACLE_PORT``; every other process is a
**worker** (``"tuner0"``, ``"tuner1"``, ...) that asks the chief for trials,
trains them and reports their scores. All of them share the search's
``directory``.

This module runs such a search on one machine, as separate processes on the
loopback address, so that it works anywhere (Colab included):

- :func:`main` is the script every process runs:
  ``python -m rnn_course.distributed DIRECTORY``, its role read from the
  environment and the search read from ``DIRECTORY/search.json``.
- :class:`LocalSearch` starts the chief and the workers, ends a worker on
  purpose, restarts it, waits for the search and always stops every process
  it started (also on errors, at interpreter exit, and, through a watchdog
  in each process, when the launcher itself dies).
- :func:`trial_events`, :func:`read_trials` and :func:`shared_trials_table`
  read what the processes wrote into the shared directory (JSON files, so
  the notebook that launches the search never imports TensorFlow).

Example::

    import tempfile
    from rnn_course.distributed import LocalSearch, read_trials, search_settings

    with LocalSearch(tempfile.mkdtemp(), search_settings(), workers=2) as search:
        search.wait(timeout=300)
    trials = read_trials(search.directory)
"""

from __future__ import annotations

import atexit
import contextlib
import ipaddress
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rnn_course import _validate
from rnn_course.tables import markdown_table

__all__ = [
    "LocalSearch",
    "check_loopback",
    "free_port",
    "main",
    "read_trials",
    "search_settings",
    "shared_trials_table",
    "trial_events",
]

#: The file of the shared directory that describes the search.
SETTINGS_FILE = "search.json"
#: The file each worker appends one JSON line to when a trial begins or ends.
EVENTS_FILE = "events.jsonl"
#: The environment variable that names the launcher's process id (watchdog).
LAUNCHER_ENV = "RNN_COURSE_LAUNCHER_PID"
#: KerasTuner's three variables.
TUNER_ID, ORACLE_IP, ORACLE_PORT = ("KERASTUNER_TUNER_ID", "KERASTUNER_ORACLE_IP",
                                    "KERASTUNER_ORACLE_PORT")

_INT_SETTINGS = ("seed", "num_words", "maxlen", "n_train", "max_epochs", "factor",
                 "patience", "embedding_dim")
_LIST_SETTINGS = ("units", "batch_sizes")
_CELLS = ("simple_rnn", "lstm", "gru")


def check_loopback(host: str) -> str:
    """``host`` if it is an IPv4 loopback address (127.x.x.x), else a ValueError.

    The course's searches never listen on an address that another machine
    can reach: the chief's gRPC service has no authentication.
    """
    if not isinstance(host, str):
        raise TypeError(f"host must be a string such as '127.0.0.1', got {type(host).__name__}.")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(f"host must be an IPv4 loopback address such as 127.0.0.1, "
                         f"got {host!r}.") from None
    if address.version != 4 or not address.is_loopback:
        raise ValueError(f"host must be an IPv4 loopback address such as 127.0.0.1, "
                         f"got {host!r}: the chief would be reachable from other machines.")
    return host


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` (a loopback address) right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((check_loopback(host), 0))
        return int(probe.getsockname()[1])


def search_settings(*, num_words: int = 1000, maxlen: int = 100, n_train: int = 3000,
                    max_epochs: int = 2, factor: int = 2, patience: int = 1,
                    units: Sequence[int] = (16, 32), batch_sizes: Sequence[int] = (64, 128),
                    embedding_dim: int = 16, cells: Sequence[str] = _CELLS,
                    learning_rates: Sequence[float] = (1e-4, 1e-2), seed: int = 42,
                    project_name: str = "imdb") -> dict[str, Any]:
    """The description of a search that every process reads (``search.json``).

    The search is Chapter 10's: :class:`~rnn_course.tuning.TextClassifierHyperModel`
    under ``kt.Hyperband`` on the first ``n_train`` IMDB training reviews
    (``num_words`` words, cut to ``maxlen``), the last fifth of them for
    validation, with early stopping after ``patience`` epochs.
    """
    settings: dict[str, Any] = {
        "num_words": num_words, "maxlen": maxlen, "n_train": n_train,
        "max_epochs": max_epochs, "factor": factor, "patience": patience,
        "units": list(units) if isinstance(units, Sequence) else units,
        "batch_sizes": list(batch_sizes) if isinstance(batch_sizes, Sequence) else batch_sizes,
        "embedding_dim": embedding_dim, "seed": seed, "project_name": project_name,
        "cells": list(cells) if isinstance(cells, Sequence) else cells,
        "learning_rates": (list(learning_rates) if isinstance(learning_rates, Sequence)
                           else learning_rates),
    }
    return _check_settings(settings)


def _check_settings(settings: Any) -> dict[str, Any]:
    if not isinstance(settings, Mapping):
        raise TypeError(f"settings must be a dict from search_settings, "
                        f"got {type(settings).__name__}.")
    missing = set(_INT_SETTINGS) | set(_LIST_SETTINGS) | {"project_name", "cells",
                                                          "learning_rates"}
    missing -= set(settings)
    if missing:
        raise ValueError(f"settings lack {', '.join(sorted(missing))}: use search_settings().")
    checked = dict(settings)
    for key in _INT_SETTINGS:
        minimum = 2 if key == "factor" else 0 if key == "seed" else 1
        checked[key] = _validate.positive_int(key, settings[key], minimum=minimum) \
            if minimum else _validate.seed(key, settings[key], maximum=2**32)
    for key in _LIST_SETTINGS:
        values = settings[key]
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
            raise ValueError(f"{key} must be a non-empty list of integers, got {values!r}.")
        checked[key] = [_validate.positive_int(key, v) for v in values]
    cells = settings["cells"]
    if isinstance(cells, (str, bytes)) or not isinstance(cells, Sequence) or not cells \
            or not set(cells) <= set(_CELLS):
        raise ValueError(f"cells must be a non-empty list from {', '.join(_CELLS)}, "
                         f"got {cells!r}.")
    checked["cells"] = list(cells)
    rates = settings["learning_rates"]
    if isinstance(rates, (str, bytes)) or not isinstance(rates, Sequence) or len(rates) != 2:
        raise ValueError(f"learning_rates must be (lowest, highest), got {rates!r}.")
    low, high = (_validate.positive_number("learning_rates", r) for r in rates)
    if not low < high:
        raise ValueError(f"learning_rates must be (lowest, highest), got {rates!r}.")
    checked["learning_rates"] = [low, high]
    if checked["n_train"] < 10:
        raise ValueError(f"n_train must be at least 10 (a fifth is validation), "
                         f"got {checked['n_train']}.")
    name = settings["project_name"]
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"project_name must be a plain name such as 'imdb', got {name!r}.")
    return checked


def _read_settings(directory: Path) -> dict[str, Any]:
    path = directory / SETTINGS_FILE
    if not path.is_file():
        raise ValueError(f"directory {directory.name!r} holds no {SETTINGS_FILE}: "
                         "LocalSearch.start() writes it.")
    return _check_settings(json.loads(path.read_text(encoding="utf-8")))


def _short(value: Any) -> str:
    text = " ".join(repr(value).split())
    return text if len(text) <= 40 else text[:37] + "..."


def _directory(directory: Any) -> Path:
    if not isinstance(directory, (str, os.PathLike)):
        raise TypeError(f"directory must be a path, got {type(directory).__name__}.")
    path = Path(directory)
    if not path.is_dir():
        raise ValueError(f"directory {path.name!r} does not exist: make it first "
                         "(tempfile.mkdtemp() gives a fresh one).")
    return path


# --- the script every process runs ----------------------------------------------------------


def _record(directory: Path, **event: Any) -> None:
    """Append one event to the shared log (one short line: one atomic write)."""
    line = json.dumps({"time": time.time(), **event}) + "\n"
    with open(directory / EVENTS_FILE, "a", encoding="utf-8") as log:
        log.write(line)


def _tuner_class():
    import keras_tuner as kt

    class RecordingHyperband(kt.Hyperband):
        """Hyperband whose workers log every trial they begin and end."""

        def pre_create_trial(self):
            # A worker whose oracle answers "IDLE" (wait for the other
            # workers' trials) asks again at once: pace the questions.
            time.sleep(0.05)

        def on_trial_begin(self, trial):
            super().on_trial_begin(trial)
            _record(Path(self.directory), event="began", trial=trial.trial_id,
                    worker=self.tuner_id)

        def on_trial_end(self, trial):
            super().on_trial_end(trial)
            _record(Path(self.directory), event="ended", trial=trial.trial_id,
                    worker=self.tuner_id, status=str(trial.status))

    return RecordingHyperband


def _make_tuner(directory: Path, settings: Mapping[str, Any]):
    from rnn_course.tuning import TextClassifierHyperModel

    hypermodel = TextClassifierHyperModel(
        num_words=settings["num_words"], maxlen=settings["maxlen"],
        embedding_dim=settings["embedding_dim"], units=settings["units"],
        batch_sizes=settings["batch_sizes"], cells=settings["cells"],
        learning_rates=tuple(settings["learning_rates"]))
    return _tuner_class()(
        hypermodel, objective="val_accuracy", max_epochs=settings["max_epochs"],
        factor=settings["factor"], seed=settings["seed"], directory=str(directory),
        project_name=settings["project_name"], overwrite=False)


def _search_data(settings: Mapping[str, Any]):
    """Chapter 10's split: the first ``n_train`` reviews, the last fifth for validation."""
    import keras

    from rnn_course.data import load_imdb

    (x_all, y_all), _ = load_imdb(num_words=settings["num_words"])
    n = settings["n_train"]
    x = keras.utils.pad_sequences(x_all[:n], maxlen=settings["maxlen"])
    y = y_all[:n]
    n_val = n // 5
    return (x[:-n_val], y[:-n_val]), (x[-n_val:], y[-n_val:])


def _watch_launcher() -> None:
    """End this process when the launcher that started it has gone."""
    launcher = os.environ.get(LAUNCHER_ENV)
    if not launcher:
        return

    def watch() -> None:
        while os.getppid() == int(launcher):
            time.sleep(0.5)
        os._exit(3)

    threading.Thread(target=watch, daemon=True).start()


def main(argv: Sequence[str] | None = None) -> int:
    """Run this process's part of the search in the directory ``argv[0]``.

    The role comes from ``KERASTUNER_TUNER_ID``: the chief serves the oracle
    until the search ends; a worker loads the reviews and trains the trials
    the chief hands it.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m rnn_course.distributed DIRECTORY", file=sys.stderr)
        return 2
    directory = _directory(args[0])
    settings = _read_settings(directory)
    if ORACLE_IP not in os.environ or TUNER_ID not in os.environ:
        print(f"set {TUNER_ID}, {ORACLE_IP} and {ORACLE_PORT} first", file=sys.stderr)
        return 2
    _watch_launcher()
    from rnn_course.notebook import set_seed

    set_seed(settings["seed"])
    tuner = _make_tuner(directory, settings)
    role = os.environ[TUNER_ID]
    if role == "chief":
        tuner.search()  # serves the oracle; returns when the search is over
        return 0
    import keras

    from rnn_course.data import loaded_from

    (x_fit, y_fit), validation = _search_data(settings)
    _record(directory, event="data", worker=role, origin=loaded_from("imdb"))
    stop_early = keras.callbacks.EarlyStopping(monitor="val_accuracy",
                                               patience=settings["patience"])
    tuner.search(x_fit, y_fit, validation_data=validation, callbacks=[stop_early],
                 verbose=0)
    return 0


# --- starting and stopping the processes ----------------------------------------------------

_RUNNING: weakref.WeakSet = weakref.WeakSet()


@atexit.register
def _stop_all() -> None:
    for search in list(_RUNNING):
        search.stop()


class LocalSearch:
    """A chief and ``workers`` workers of one search, as processes on 127.0.0.1.

    Args:
        directory: The shared directory of the search (it must exist and
            should be empty: ``tempfile.mkdtemp()``).
        settings: The search, from :func:`search_settings`.
        workers: How many workers to start (``"tuner0"``, ``"tuner1"``, ...).
        host: The chief's address, an IPv4 loopback address.
        port: The chief's port; a free one when ``None``.

    Use it as a context manager, or call :meth:`stop` in a ``finally``:
    every process it started is ended when the block is left, also on an
    error. Each process also ends itself when the launcher dies.
    """

    def __init__(self, directory: Any, settings: Mapping[str, Any], workers: int = 2,
                 host: str = "127.0.0.1", port: int | None = None) -> None:
        self.directory = _directory(directory)
        self.settings = _check_settings(settings)
        self.workers = [f"tuner{i}" for i in range(_validate.positive_int("workers", workers))]
        self.host = check_loopback(host)
        if port is not None:
            port = _validate.positive_int("port", port)
            if port > 65535:
                raise ValueError(f"port must be at most 65535, got {port}.")
        self.port = free_port(self.host) if port is None else port
        self.processes: dict[str, subprocess.Popen] = {}
        self.ended: dict[str, str | None] = {}  # worker -> trial it was ended in
        self._retired: list[subprocess.Popen] = []
        (self.directory / "logs").mkdir(exist_ok=True)

    # -- the commands ------------------------------------------------------------------------

    def environment(self, name: str) -> dict[str, str]:
        """KerasTuner's three variables for the process ``name``."""
        self._check_name(name)
        return {TUNER_ID: name, ORACLE_IP: self.host, ORACLE_PORT: str(self.port)}

    def command(self, name: str) -> str:
        """The shell command that runs process ``name`` (what a cluster job runs)."""
        env = " ".join(f"{k}={v}" for k, v in self.environment(name).items())
        return f"{env} python -m rnn_course.distributed {self.directory}"

    def _check_name(self, name: str) -> str:
        if name != "chief" and name not in self.workers:
            raise ValueError(f"name must be 'chief' or one of {', '.join(self.workers)}, "
                             f"got {name!r}.")
        return name

    # -- starting ----------------------------------------------------------------------------

    def start(self) -> LocalSearch:
        """Write ``search.json`` and start the chief and every worker; returns ``self``."""
        if self.processes:
            raise RuntimeError("this search was started already.")
        (self.directory / SETTINGS_FILE).write_text(json.dumps(self.settings, indent=1),
                                                    encoding="utf-8")
        _RUNNING.add(self)
        try:
            for name in ["chief", *self.workers]:
                self._launch(name)
        except BaseException:
            self.stop()
            raise
        return self

    def _launch(self, name: str) -> None:
        env = {**os.environ, **self.environment(name), LAUNCHER_ENV: str(os.getpid()),
               "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONUNBUFFERED": "1"}
        log = open(self.directory / "logs" / f"{name}.log", "a", encoding="utf-8")
        with log:
            self.processes[name] = subprocess.Popen(
                [sys.executable, "-m", "rnn_course.distributed", str(self.directory)],
                env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True)

    def __enter__(self) -> LocalSearch:
        return self if self.processes else self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    # -- watching ----------------------------------------------------------------------------

    def running(self) -> list[str]:
        """The names of the processes that are still running."""
        return [name for name, p in self.processes.items() if p.poll() is None]

    def events(self) -> list[dict[str, Any]]:
        """Every event the workers logged so far (see :func:`trial_events`)."""
        return trial_events(self.directory)

    def oracle_state(self) -> dict[str, Any]:
        """What the chief last saved: ``{"ongoing": {worker: trial}, "trials": {id: status}}``."""
        project = self.directory / self.settings["project_name"]
        state = json.loads((project / "oracle.json").read_text(encoding="utf-8"))
        statuses = {}
        for path in sorted(project.glob("trial_*/trial.json")):
            trial = json.loads(path.read_text(encoding="utf-8"))
            statuses[trial["trial_id"]] = trial["status"]
        return {"ongoing": dict(state.get("ongoing_trials", {})), "trials": statuses}

    def _log_tail(self, name: str, lines: int = 15) -> str:
        path = self.directory / "logs" / f"{name}.log"
        text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def _fail(self, message: str) -> None:
        logs = "\n".join(f"--- {name}.log ---\n{self._log_tail(name)}" for name in self.processes)
        self.stop()
        raise RuntimeError(f"{message}\n{logs}")

    def current_trial(self, name: str) -> str | None:
        """The trial worker ``name`` has begun and not ended, from its events, or ``None``."""
        self._check_name(name)
        current = None
        for event in self.events():
            if event.get("worker") == name and event["event"] in ("began", "ended"):
                current = event["trial"] if event["event"] == "began" else None
        return current

    # -- ending, restarting, waiting, stopping -----------------------------------------------

    def end_worker(self, name: str, timeout: float = 120.0) -> str:
        """Wait until worker ``name`` is in the middle of a trial, then kill it.

        The worker gets ``SIGKILL``, as when its machine is lost: it cannot
        tell the chief anything. Returns the id of the trial it was running.
        """
        if name == "chief" or self._check_name(name) not in self.processes:
            raise ValueError(f"{name!r} is not a running worker of this search.")
        deadline = time.monotonic() + _validate.positive_number("timeout", timeout)
        process = self.processes[name]
        while (trial := self.current_trial(name)) is None:
            if process.poll() is not None:
                self._fail(f"{name} exited (code {process.returncode}) before a trial began.")
            if time.monotonic() > deadline:
                self._fail(f"{name} began no trial within {timeout:.0f} s.")
            time.sleep(0.05)
        self._kill(process, signal.SIGKILL)
        self.ended[name] = trial
        self._retired.append(self.processes.pop(name))
        return trial

    def restart_worker(self, name: str) -> None:
        """Start worker ``name`` again, under the same ``KERASTUNER_TUNER_ID``."""
        if name == "chief" or name not in self.workers:
            raise ValueError(f"name must be one of {', '.join(self.workers)}, got {name!r}.")
        if name in self.running():
            raise RuntimeError(f"{name} is still running: end it first.")
        self._launch(name)

    def wait(self, timeout: float = 600.0, grace: float = 1.0) -> float:
        """Wait for every worker to finish, then for the chief; returns the seconds waited.

        The workers end when the oracle tells them the search is over. The
        chief saves every result in the shared directory as it goes, and may
        wait up to 20 s before it notices that the workers have gone; after
        ``grace`` seconds it is stopped. On a failure or after ``timeout``
        seconds every process is stopped and a RuntimeError names the cause.
        """
        timeout = _validate.positive_number("timeout", timeout)
        start = time.monotonic()
        workers = [n for n in self.workers if n in self.processes]
        if not workers:
            raise RuntimeError("no worker is running: start() the search first.")
        while True:
            codes = {n: self.processes[n].poll() for n in workers}
            failed = {n: c for n, c in codes.items() if c not in (None, 0)}
            if failed:
                self._fail(f"workers failed: {failed}")
            if self.processes["chief"].poll() not in (None, 0):
                self._fail(f"the chief failed (code {self.processes['chief'].returncode})")
            if all(c == 0 for c in codes.values()):
                break
            if time.monotonic() - start > timeout:
                self._fail(f"the search did not finish within {timeout:.0f} s")
            time.sleep(0.1)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.processes["chief"].wait(timeout=grace)
        self.stop()
        return time.monotonic() - start

    @staticmethod
    def _kill(process: subprocess.Popen, sig: int) -> None:
        if process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if hasattr(os, "killpg"):
                os.killpg(process.pid, sig)  # its own session: the whole group
            else:  # pragma: no cover (Windows)
                process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)

    def stop(self) -> None:
        """End every process this search started (``SIGTERM``, then ``SIGKILL``). Idempotent."""
        processes = [*self.processes.values(), *self._retired]
        for process in processes:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    if hasattr(os, "killpg"):
                        os.killpg(process.pid, signal.SIGTERM)
                    else:  # pragma: no cover (Windows)
                        process.terminate()
        deadline = time.monotonic() + 5
        for process in processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            self._kill(process, signal.SIGKILL)
        _RUNNING.discard(self)


# --- reading the results --------------------------------------------------------------------


def trial_events(directory: Any) -> list[dict[str, Any]]:
    """The events the workers logged, in the order written.

    Each is a dict with ``"event"`` (``"data"``, ``"began"`` or ``"ended"``),
    ``"worker"``, ``"time"``, and for trials ``"trial"`` (and ``"status"``
    when it ended).
    """
    path = _directory(directory) / EVENTS_FILE
    if not path.exists():
        return []
    events = []
    for line in path.read_text(encoding="utf-8").splitlines():
        with contextlib.suppress(json.JSONDecodeError):  # a line being written
            events.append(json.loads(line))
    return events


def read_trials(directory: Any) -> list[dict[str, Any]]:
    """Every trial the chief saved in the shared directory, in the order of their ids.

    Read from the ``trial_*/trial.json`` files, without TensorFlow. Each is
    a dict: ``"id"``, the hyperparameters of the search space, Hyperband's
    ``"bracket"``, ``"round"`` and ``"continues"`` (the id of the trial
    whose weights it continued, or ``None``), ``"score"`` (``None`` until
    it has one) and ``"status"``.

    KerasTuner labels a promoted trial with the bracket that is current
    when the oracle creates it, which in a parallel search can already be
    the next one; ``"bracket"`` here is the bracket of the first trial of
    its chain, the one it belongs to.
    """
    path = _directory(directory)
    settings = _read_settings(path)
    rows = []
    for trial_file in sorted((path / settings["project_name"]).glob("trial_*/trial.json")):
        trial = json.loads(trial_file.read_text(encoding="utf-8"))
        values = trial["hyperparameters"]["values"]
        row: dict[str, Any] = {"id": trial["trial_id"]}
        row.update({k: v for k, v in values.items() if not k.startswith("tuner/")})
        row["bracket"] = values.get("tuner/bracket")
        row["round"] = values.get("tuner/round")
        row["continues"] = values.get("tuner/trial_id")
        row["score"] = trial.get("score")
        row["status"] = trial["status"]
        rows.append(row)
    by_id = {row["id"]: row for row in rows}
    for row in rows:  # in id order: the trial it continues has its bracket already
        if row["continues"] in by_id:
            row["bracket"] = by_id[row["continues"]]["bracket"]
    return rows


def shared_trials_table(trials: Sequence[Mapping[str, Any]],
                        events: Sequence[Mapping[str, Any]]) -> str:
    """The results table of a distributed search, one row per trial.

    Args:
        trials: From :func:`read_trials`.
        events: From :func:`trial_events`.

    Returns:
        Markdown: the trial (1, 2, ...; the best marked with ``*``), the
        worker that finished it, how many times a worker began it, the
        hyperparameters, its bracket and round, the trial it continues,
        and its score.
    """
    for name, value in (("trials", trials), ("events", events)):
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            raise TypeError(f"{name} must be a list (from read_trials or trial_events).")
    if not trials:
        raise ValueError("trials is empty: the search has not run a trial.")
    for row in trials:
        if not isinstance(row, Mapping) or "id" not in row:
            raise TypeError(f"trials must hold the dicts of read_trials, got {_short(row)}.")
    for event in events:
        if not isinstance(event, Mapping) or "event" not in event:
            raise TypeError(f"events must hold the dicts of trial_events, got {_short(event)}.")
    began: dict[str, int] = {}
    finished: dict[str, str] = {}
    for event in events:
        if event.get("event") == "began":
            began[event["trial"]] = began.get(event["trial"], 0) + 1
        elif event.get("event") == "ended":
            finished[event["trial"]] = event["worker"]
    number = {row["id"]: i + 1 for i, row in enumerate(trials)}
    scored = [row for row in trials if row.get("score") is not None]
    best_id = max(scored, key=lambda row: row["score"])["id"] if scored else None
    head = ["trial", "worker", "began", "cell", "units", "dropout", "learning rate",
            "batch size", "bracket", "round", "continues", "score"]
    cells = []
    for row in trials:
        continues = number.get(row.get("continues"))
        cells.append([f"{number[row['id']]}{'*' if row['id'] == best_id else ''}",
                      finished.get(row["id"], "–"), str(began.get(row["id"], 0)),
                      str(row.get("cell")), str(row.get("units")),
                      f"{row.get('dropout', 0.0):.1f}", f"{row.get('learning_rate', 0):.1e}",
                      str(row.get("batch_size")), str(row.get("bracket")),
                      str(row.get("round")), "–" if continues is None else str(continues),
                      "–" if row.get("score") is None else f"{row['score']:.3f}"])
    return markdown_table(head, cells)


if __name__ == "__main__":
    sys.exit(main())
