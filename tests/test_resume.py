"""A training run killed with SIGKILL half-way through an epoch resumes exactly.

The test runs this file as a script in subprocesses: once without
interruption, and once killed in the middle of an epoch and started again with
the very same command. The restarted run must go on from the epoch after the
last finished one and end with the weights of the uninterrupted run, bit for
bit: on CPU, with the same seed and deterministic ops, nothing but the
interruption tells the runs apart, and :func:`rnn_course.experiments.fit_resumable`
restores everything the interruption lost (weights, optimizer state, epoch
count) and feeds every epoch the same batches.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

SEED = 7
EPOCHS = 4
SAMPLES, BATCH_SIZE = 768, 16  # 48 batches per epoch: room to stop in the middle
NUM_WORDS, MAXLEN = 64, 16
KILL_AT = (2, 20)  # (epoch, batch), both from 0: epochs 0 and 1 are finished
PAUSED = "paused"


# ---------------------------------------------------------------- the script


def _train(workdir: Path, pause_at: tuple[int, int] | None) -> None:
    """Train the model in ``workdir``; write progress, then the final weights."""
    import keras

    from rnn_course.experiments import fit_resumable
    from rnn_course.models import build_text_classifier
    from rnn_course.notebook import set_seed

    progress = open(workdir / "progress.txt", "a", buffering=1, encoding="utf-8")  # noqa: SIM115
    marker = workdir / "pause-done"

    class Progress(keras.callbacks.Callback):
        """Log every batch, so the parent can wait for a point instead of guessing."""

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch
            progress.write(f"begin {epoch}\n")

        def on_train_batch_end(self, batch, logs=None):
            progress.write(f"batch {self.epoch} {batch}\n")
            if (self.epoch, batch) == pause_at and not marker.exists():
                # Wait here to be killed: the parent then kills at a known point
                # in the middle of the epoch. The marker makes a restart of the
                # same command run through.
                marker.touch()
                progress.write(f"{PAUSED}\n")
                time.sleep(600)

        def on_epoch_end(self, epoch, logs=None):
            progress.write(f"end {epoch}\n")

    set_seed(SEED)  # keras.utils.set_random_seed + enable_op_determinism
    rng = np.random.default_rng(SEED)
    x = rng.integers(3, NUM_WORDS, size=(SAMPLES, MAXLEN)).astype("int32")
    y = (np.mean(x < NUM_WORDS // 2, axis=1) > 0.5).astype("float32")
    model = build_text_classifier("simple_rnn", num_words=NUM_WORDS, embedding_dim=8,
                                  units=8, maxlen=MAXLEN)
    history = fit_resumable(model, x, y, backup_dir=workdir / "backup", epochs=EPOCHS,
                            batch_size=BATCH_SIZE, seed=SEED, callbacks=[Progress()])
    np.savez(workdir / "weights.npz", *model.get_weights())
    (workdir / "trained.json").write_text(json.dumps(history.epoch))


def _main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workdir", type=Path)
    parser.add_argument("--pause-at", type=int, nargs=2, metavar=("EPOCH", "BATCH"))
    args = parser.parse_args()
    _train(args.workdir, tuple(args.pause_at) if args.pause_at else None)


# ---------------------------------------------------------------- the test


def _command(workdir: Path, pause: bool) -> list[str]:
    command = [sys.executable, __file__, str(workdir)]
    return command + ["--pause-at", *map(str, KILL_AT)] if pause else command


def _env() -> dict[str, str]:
    # CPU only: GPU kernels are not all deterministic, and the runs must agree.
    return {**os.environ, "CUDA_VISIBLE_DEVICES": "", "TF_CPP_MIN_LOG_LEVEL": "2"}


def _lines(workdir: Path) -> list[str]:
    path = workdir / "progress.txt"
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def _finish(process: subprocess.Popen, what: str) -> None:
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, f"{what} failed:\n{stderr[-3000:]}"


def _weights(workdir: Path) -> list[np.ndarray]:
    with np.load(workdir / "weights.npz") as stored:
        return [stored[f"arr_{i}"] for i in range(len(stored.files))]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Run the uninterrupted and the interrupted training side by side."""
    whole = tmp_path_factory.mktemp("uninterrupted")
    broken = tmp_path_factory.mktemp("interrupted")
    uninterrupted = subprocess.Popen(_command(whole, pause=False), env=_env(),
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = subprocess.Popen(_command(broken, pause=True), env=_env(),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while PAUSED not in _lines(broken):
        if first.poll() is not None:
            pytest.fail(f"the run to interrupt ended early:\n{first.stderr.read()[-3000:]}")
        assert time.monotonic() < deadline, "the run to interrupt never reached its pause"
        time.sleep(0.2)
    first.send_signal(signal.SIGKILL)
    first.communicate()
    assert first.returncode == -signal.SIGKILL
    killed_log = _lines(broken)
    # The very same command again: it finds the backup and resumes.
    _finish(subprocess.Popen(_command(broken, pause=True), env=_env(), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True), "the restarted run")
    _finish(uninterrupted, "the uninterrupted run")
    return {"whole": whole, "broken": broken, "killed_log": killed_log}


def test_killed_run_was_stopped_in_the_middle_of_an_epoch(runs):
    log = runs["killed_log"]
    finished = [int(line.split()[1]) for line in log if line.startswith("end ")]
    assert finished == list(range(KILL_AT[0]))
    assert log[-2:] == [f"batch {KILL_AT[0]} {KILL_AT[1]}", PAUSED]
    assert KILL_AT[1] < SAMPLES // BATCH_SIZE - 1  # batches were left in that epoch


def test_restart_resumes_after_the_last_finished_epoch(runs):
    uninterrupted = json.loads((runs["whole"] / "trained.json").read_text())
    resumed = json.loads((runs["broken"] / "trained.json").read_text())
    finished_before_kill = KILL_AT[0]
    assert uninterrupted == list(range(EPOCHS))
    assert resumed == list(range(finished_before_kill, EPOCHS))
    assert finished_before_kill + len(resumed) == len(uninterrupted) == EPOCHS
    # The restart trained every batch of the resumed epochs, from the first.
    after_kill = _lines(runs["broken"])[len(runs["killed_log"]):]
    assert after_kill[0] == f"begin {finished_before_kill}"
    assert after_kill[1] == f"batch {finished_before_kill} 0"
    # BackupAndRestore deletes its backup once training is over.
    assert not (runs["broken"] / "backup").exists()


def test_resumed_weights_equal_the_uninterrupted_ones_bit_for_bit(runs):
    whole, resumed = _weights(runs["whole"]), _weights(runs["broken"])
    assert [w.shape for w in whole] == [w.shape for w in resumed]
    for a, b in zip(whole, resumed):
        np.testing.assert_array_equal(a, b)


def test_batch_order_depends_on_the_seed_and_the_epoch_only():
    from rnn_course.experiments import EpochBatches

    x, y = np.arange(50).reshape(25, 2), np.arange(25)

    def epoch_of(batches, epoch):
        batches.callback.on_epoch_begin(epoch)
        return np.concatenate([batches[i][1] for i in range(len(batches))])

    one, other = EpochBatches(x, y, batch_size=8, seed=3), EpochBatches(x, y, batch_size=8, seed=3)
    assert len(one) == 4
    orders = [epoch_of(one, e) for e in range(3)]
    assert all(sorted(order) == list(range(25)) for order in orders)  # every sample once
    assert not np.array_equal(orders[0], orders[1])  # a new order every epoch
    np.testing.assert_array_equal(epoch_of(other, 2), orders[2])  # no matter what came before
    assert not np.array_equal(epoch_of(EpochBatches(x, y, 8, seed=4), 2), orders[2])


if __name__ == "__main__":
    _main()
