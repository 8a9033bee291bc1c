"""Tests of rnn_course.devices (Appendix A2) and its checker.

``split_cpu`` changes the devices of the whole process, so it runs in a
fresh Python process here.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from rnn_course.checks import check_data_parallel
from rnn_course.devices import per_replica_shapes, scaled_learning_rate, split_cpu


def test_scaled_learning_rate_is_linear_in_the_batch():
    assert scaled_learning_rate(2e-3, 64, 128) == pytest.approx(4e-3)
    assert scaled_learning_rate(1e-3, 32, 32) == pytest.approx(1e-3)
    assert scaled_learning_rate(1e-2, 256, 64) == pytest.approx(2.5e-3)


@pytest.mark.parametrize("args, error", [
    ((0.0, 64, 128), ValueError), ((1e-3, 0, 128), ValueError), ((1e-3, 64, 1.5), TypeError),
    ((float("nan"), 64, 128), ValueError), (("0.1", 64, 128), TypeError),
])
def test_scaled_learning_rate_rejects_bad_input(args, error):
    with pytest.raises(error) as info:
        scaled_learning_rate(*args)
    assert "\n" not in str(info.value)


def test_split_cpu_and_the_split_of_a_batch_in_a_fresh_process():
    code = (
        "from rnn_course.devices import split_cpu, per_replica_shapes\n"
        "devices = split_cpu(2)\n"
        "assert split_cpu(2) == devices  # running the cell again is harmless\n"
        "import tensorflow as tf\n"
        "strategy = tf.distribute.MirroredStrategy(devices)\n"
        "data = tf.data.Dataset.from_tensor_slices((tf.zeros((10, 3)), tf.zeros(10))).batch(8)\n"
        "print(len(devices), strategy.num_replicas_in_sync, per_replica_shapes(strategy, data))\n"
        "try:\n"
        "    split_cpu(3)\n"
        "except RuntimeError as error:\n"
        "    print('refused:', error)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, env=os.environ.copy())
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.strip().splitlines()
    assert lines[0] == "2 2 [(4, 3), (4, 3)]"
    assert lines[1].startswith("refused: TensorFlow has set up 2 CPU device(s) already")


def test_split_cpu_and_per_replica_shapes_reject_bad_input():
    with pytest.raises(ValueError):
        split_cpu(0)
    with pytest.raises(TypeError, match="strategy"):
        per_replica_shapes("mirrored", None)


def test_check_data_parallel_accepts_the_right_answer(capsys):
    assert check_data_parallel(lambda b, r, lr: (b * r, lr * r))
    assert capsys.readouterr().out.startswith("Correct!")
    assert not check_data_parallel(lambda b, r, lr: (b * r, lr), verbose=False)
