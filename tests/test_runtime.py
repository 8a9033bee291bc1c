"""Tests of rnn_course.runtime: the GPU check the training chapters print."""

from __future__ import annotations

import pytest
import tensorflow as tf

from rnn_course.runtime import COLAB_GPU_HINT, accelerator_summary


@pytest.fixture
def gpus(monkeypatch):
    """Make TensorFlow report the given GPUs, with details by device name."""

    def fake(devices, details, cuda=True):
        monkeypatch.setattr(tf.config, "list_physical_devices",
                            lambda kind=None: list(devices) if kind == "GPU" else [])
        monkeypatch.setattr(tf.config.experimental, "get_device_details",
                            lambda device: details[device.name])
        monkeypatch.setattr(tf.test, "is_built_with_cuda", lambda: cuda)

    return fake


def gpu(index):
    return tf.config.PhysicalDevice(name=f"/physical_device:GPU:{index}", device_type="GPU")


def test_without_gpu_says_cpu_and_how_to_get_one_on_colab(gpus):
    gpus([], {})
    summary = accelerator_summary()
    assert summary == f"No GPU visible to TensorFlow: Keras trains on the CPU. {COLAB_GPU_HINT}"
    assert summary == accelerator_summary()  # the same every time
    assert "Runtime > Change runtime type" in summary


def test_without_cuda_build_says_so(gpus):
    gpus([], {}, cuda=False)
    assert "(this TensorFlow has no CUDA support)" in accelerator_summary()


def test_one_gpu_is_named_with_its_model(gpus):
    gpus([gpu(0)], {"/physical_device:GPU:0": {"device_name": "Tesla T4",
                                                 "compute_capability": (7, 5)}})
    assert accelerator_summary() == (
        "1 GPU visible to TensorFlow: GPU:0 (Tesla T4, compute capability 7.5); "
        "Keras trains on it."
    )


def test_several_gpus_and_missing_details(gpus):
    gpus([gpu(0), gpu(1)], {"/physical_device:GPU:0": {"device_name": "A100"},
                            "/physical_device:GPU:1": {}})
    assert accelerator_summary() == (
        "2 GPUs visible to TensorFlow: GPU:0 (A100); GPU:1; Keras trains on the first one."
    )


def test_on_this_machine_it_returns_one_line():
    summary = accelerator_summary()
    assert isinstance(summary, str) and "\n" not in summary
    assert ("No GPU" in summary) == (not tf.config.list_physical_devices("GPU"))
