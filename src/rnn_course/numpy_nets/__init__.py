"""Reference recurrent networks written in NumPy.

The functions here are the course's ground truth: chapters compare Keras
layers against them and the exercise checkers compare students' code
against them. They favour clarity and careful input checks over speed, but
they are vectorised over the batch, so they are fast enough for small
experiments. Like Keras, every network is one step function run by one
loop over time (:mod:`~rnn_course.numpy_nets._loop`).

- :mod:`~rnn_course.numpy_nets.simple`: the simple RNN (Chapters 02, 03).
- :mod:`~rnn_course.numpy_nets.bptt`: its backward pass, a readout and its
  loss, gradient clipping, spectral radii (Chapter 04).
- :mod:`~rnn_course.numpy_nets.gated`: the LSTM and the GRU (Chapter 07).
- :mod:`~rnn_course.numpy_nets.char_rnn`: a softmax readout over characters,
  its cross-entropy and Adam: a character-level language model (Chapter 11).
- :mod:`~rnn_course.numpy_nets.keras_weights`: reading and writing a Keras
  layer's weights in the course's convention.

Example:
    >>> from rnn_course.numpy_nets import rnn_forward
"""

from rnn_course.numpy_nets.bptt import (
    ReadoutLoss,
    RNNGradients,
    clip_by_global_norm,
    random_orthogonal,
    readout_mse,
    relative_error,
    rnn_backward,
    scale_to_spectral_radius,
    spectral_radius,
)
from rnn_course.numpy_nets.char_rnn import (
    Adam,
    CharRNNParams,
    CharRNNResult,
    SoftmaxLoss,
    char_rnn_loss,
    char_rnn_step,
    init_char_rnn,
    softmax_cross_entropy,
)
from rnn_course.numpy_nets.gated import (
    GRUGates,
    GRUParams,
    LSTMGates,
    LSTMParams,
    gru_forward,
    gru_gates,
    gru_param_count,
    lstm_forward,
    lstm_gates,
    lstm_param_count,
)
from rnn_course.numpy_nets.keras_weights import (
    gru_params,
    lstm_params,
    set_gru_params,
    set_lstm_params,
    set_simple_rnn_params,
    simple_rnn_params,
)
from rnn_course.numpy_nets.simple import rnn_forward, simple_rnn_param_count

__all__ = [
    "Adam",
    "CharRNNParams",
    "CharRNNResult",
    "SoftmaxLoss",
    "char_rnn_loss",
    "char_rnn_step",
    "init_char_rnn",
    "softmax_cross_entropy",
    "GRUGates",
    "GRUParams",
    "LSTMGates",
    "LSTMParams",
    "RNNGradients",
    "ReadoutLoss",
    "clip_by_global_norm",
    "gru_forward",
    "gru_gates",
    "gru_param_count",
    "gru_params",
    "lstm_forward",
    "lstm_gates",
    "lstm_param_count",
    "lstm_params",
    "random_orthogonal",
    "readout_mse",
    "relative_error",
    "rnn_backward",
    "rnn_forward",
    "scale_to_spectral_radius",
    "set_gru_params",
    "set_lstm_params",
    "set_simple_rnn_params",
    "simple_rnn_param_count",
    "simple_rnn_params",
    "spectral_radius",
]
