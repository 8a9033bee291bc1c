"""Training one model on several devices with ``tf.distribute`` (Appendix A2).

- :func:`split_cpu` splits the CPU into logical devices, so that
  ``tf.distribute.MirroredStrategy`` has several replicas to train on
  without a GPU. It must run before TensorFlow sets up its devices: in the
  first cell of a fresh kernel.
- :func:`scaled_learning_rate` is the linear scaling rule: a batch ``k``
  times as large takes a step ``k`` times as large.
- :func:`per_replica_shapes` shows how a distributed dataset splits one
  global batch among the replicas.

Example::

    from rnn_course.devices import split_cpu
    devices = split_cpu(2)          # first cell of a fresh kernel
    import tensorflow as tf
    strategy = tf.distribute.MirroredStrategy(devices)
"""

from __future__ import annotations

from typing import Any

from rnn_course import _validate

__all__ = ["per_replica_shapes", "scaled_learning_rate", "split_cpu"]


def split_cpu(count: int = 2) -> list[str]:
    """Split the first CPU into ``count`` logical devices; returns their names.

    Every logical device runs on the same cores: this gives a
    ``MirroredStrategy`` replicas to work with, not more speed.

    Raises:
        RuntimeError: TensorFlow has set up its devices already (a cell ran
            TensorFlow code before this one): restart the kernel.
    """
    count = _validate.positive_int("count", count)
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    wanted = [tf.config.LogicalDeviceConfiguration() for _ in range(count)]
    try:
        tf.config.set_logical_device_configuration(cpu, wanted)
    except RuntimeError:
        have = tf.config.list_logical_devices("CPU")
        if len(have) == count:  # this cell ran before: nothing to change
            return [d.name for d in have]
        raise RuntimeError(
            f"TensorFlow has set up {len(have)} CPU device(s) already: restart the kernel "
            "and run this cell before any other TensorFlow code.") from None
    return [d.name for d in tf.config.list_logical_devices("CPU")]


def scaled_learning_rate(base_learning_rate: float, base_batch: int, batch: int) -> float:
    """The linear scaling rule: ``base_learning_rate * batch / base_batch``.

    A learning rate that works for batches of ``base_batch`` is scaled with
    the batch, so that an epoch of fewer, larger steps moves the weights
    about as far (Goyal et al., 2017).
    """
    rate = _validate.positive_number("base_learning_rate", base_learning_rate)
    base = _validate.positive_int("base_batch", base_batch)
    return rate * _validate.positive_int("batch", batch) / base


def per_replica_shapes(strategy: Any, dataset: Any) -> list[tuple[int, ...]]:
    """The shape of the inputs each replica gets from the first global batch.

    Args:
        strategy: A ``tf.distribute.Strategy``.
        dataset: A batched ``tf.data.Dataset`` of ``(inputs, labels)``, its
            batch size the global batch.

    Returns:
        One shape per replica, e.g. ``[(64, 80), (64, 80)]`` for a global
        batch of 128 reviews of 80 ids on two replicas.
    """
    import tensorflow as tf

    if not isinstance(strategy, tf.distribute.Strategy):
        raise TypeError(f"strategy must be a tf.distribute.Strategy, "
                        f"got {type(strategy).__name__}.")
    if not isinstance(dataset, tf.data.Dataset):
        raise TypeError(f"dataset must be a tf.data.Dataset, got {type(dataset).__name__}.")
    inputs, _ = next(iter(strategy.experimental_distribute_dataset(dataset)))
    return [tuple(int(n) for n in part.shape)
            for part in strategy.experimental_local_results(inputs)]
