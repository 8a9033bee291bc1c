"""What the notebook is running on: a GPU or the CPU.

The chapters that train on IMDB or CIFAR-10 print :func:`accelerator_summary`
near their start, so that a student on Colab sees at once whether the runtime
has a GPU, before waiting for a training run that is ten times slower without.
"""

from __future__ import annotations

#: Where Colab's menu switches the runtime to a GPU.
COLAB_GPU_HINT = (
    "On Colab, choose Runtime > Change runtime type > a GPU (T4 is free), "
    "then run the notebook again from the top."
)


def accelerator_summary() -> str:
    """Say in one line which GPUs TensorFlow sees, or that it will use the CPU.

    Built on ``tf.config.list_physical_devices("GPU")``: a GPU listed there is
    one Keras trains on without any change to the code.

    Returns:
        With no GPU, always the same line (it names no machine-dependent
        detail), ending with how to get a GPU on Colab. With GPUs, their count
        and, for each, its TensorFlow name and, where the driver reports them,
        its model and compute capability, for example
        ``"1 GPU visible to TensorFlow: GPU:0 (Tesla T4, compute capability 7.5);
        Keras trains on it."``
    """
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        where = "" if tf.test.is_built_with_cuda() else " (this TensorFlow has no CUDA support)"
        return f"No GPU visible to TensorFlow{where}: Keras trains on the CPU. {COLAB_GPU_HINT}"
    descriptions = []
    for gpu in gpus:
        # "/physical_device:GPU:0" -> "GPU:0"
        name = gpu.name.removeprefix("/physical_device:")
        try:
            details = tf.config.experimental.get_device_details(gpu)
        except (ValueError, RuntimeError):  # a device the driver says nothing about
            details = {}
        facts = []
        if details.get("device_name"):
            facts.append(str(details["device_name"]))
        if details.get("compute_capability"):
            major, minor = details["compute_capability"]
            facts.append(f"compute capability {major}.{minor}")
        descriptions.append(f"{name} ({', '.join(facts)})" if facts else name)
    count = f"{len(gpus)} GPU" if len(gpus) == 1 else f"{len(gpus)} GPUs"
    it = "it" if len(gpus) == 1 else "the first one"
    return f"{count} visible to TensorFlow: {'; '.join(descriptions)}; Keras trains on {it}."
