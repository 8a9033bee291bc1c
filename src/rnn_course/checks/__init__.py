"""Automatic checkers for the chapters' exercises.

Every checker takes the student's answer, prints one line of feedback
("Correct! ..." or what is wrong and a hint) and returns ``True`` or
``False``. Checkers never raise on a wrong answer, so a notebook runs on
while the student tries again; they raise only when called the wrong way
(for example with a negative number of units). An answer that is still the
stub of the student version (``python -m tools.assign``), ``None`` or a
function that raises ``NotImplementedError``, gets "Not written yet: ...".

The checkers live in one module per part of the course:

- :mod:`~rnn_course.checks.families`: the families of sequence models (Chapter 1);
- :mod:`~rnn_course.checks.rnn`: the simple RNN by hand, its shapes, one state,
  the forward pass (Chapters 2 and 3);
- :mod:`~rnn_course.checks.bptt`: backpropagation through time (Chapter 4);
- :mod:`~rnn_course.checks.param_counts`: parameter counts of a simple RNN layer,
  a stack of them and a text classifier (Chapters 2, 3, 5 and 8);
- :mod:`~rnn_course.checks.gates`: a GRU's forward pass (Chapter 7), a memory
  length by the rule of Chapter 8b;
- :mod:`~rnn_course.checks.text`: encoding a review, choosing a length cut
  (Chapter 6 and Appendix A);
- :mod:`~rnn_course.checks.vision`: a convolution layer (Chapter 9);
- :mod:`~rnn_course.checks.tuning`: Hyperband's budget, the workers to restart
  (Chapter 10 and its section 10b);
- :mod:`~rnn_course.checks.generation`: sampling with a temperature (Chapter 11).
- :mod:`~rnn_course.checks.seq2seq`: one step of additive attention (Chapter 12).
- :mod:`~rnn_course.checks.forecasting`: a seasonal naive forecast (Chapter 13).
- :mod:`~rnn_course.checks.devices`: data-parallel settings (Appendix A2).

A new checker goes in the module of its part of the course (or a new one,
named for its topic), takes the answer as its first argument, is decorated
with ``@_checker``, calls a student's function through ``_call_student`` and
reports through ``_report``, all from :mod:`rnn_course.checks._core`. Import
it here and add it to ``__all__``, so that the chapters import it from
``rnn_course.checks``; ``tests/test_checks_friendly.py`` feeds it wrong
answers.

Example, in a notebook::

    from rnn_course.checks import check_rnn_forward

    def my_rnn_forward(inputs, W, U, b):
        ...

    check_rnn_forward(my_rnn_forward)
"""

from rnn_course.checks.bptt import check_rnn_backward
from rnn_course.checks.devices import check_data_parallel
from rnn_course.checks.families import SEQUENCE_FAMILIES, check_sequence_family
from rnn_course.checks.forecasting import check_seasonal_naive
from rnn_course.checks.gates import check_gru_forward, check_memory_length
from rnn_course.checks.generation import check_softmax_temperature
from rnn_course.checks.param_counts import (
    check_parameter_count,
    check_stacked_param_counts,
    check_text_classifier_params,
)
from rnn_course.checks.rnn import (
    check_hidden_state,
    check_rnn_forward,
    check_rnn_output_shape,
    check_symbol_shapes,
)
from rnn_course.checks.seq2seq import check_additive_attention
from rnn_course.checks.text import check_length_cut, check_review_encoder
from rnn_course.checks.tuning import check_hyperband_epochs, check_restarts
from rnn_course.checks.vision import check_conv_layer

__all__ = [
    # Chapter 1
    "SEQUENCE_FAMILIES",
    "check_sequence_family",
    # Chapters 2 and 3
    "check_symbol_shapes",
    "check_hidden_state",
    "check_rnn_output_shape",
    "check_parameter_count",
    "check_rnn_forward",
    # Chapter 4
    "check_rnn_backward",
    # Chapters 2 and 5
    "check_stacked_param_counts",
    # Chapter 6
    "check_review_encoder",
    # Chapter 7
    "check_gru_forward",
    # Chapter 8
    "check_text_classifier_params",
    # Chapter 8b
    "check_memory_length",
    # Chapter 9
    "check_conv_layer",
    # Chapter 10
    "check_hyperband_epochs",
    "check_restarts",
    # Appendix A
    "check_length_cut",
    # Chapter 11
    "check_softmax_temperature",
    # Chapter 12
    "check_additive_attention",
    # Chapter 13
    "check_seasonal_naive",
    # Appendix A2
    "check_data_parallel",
]
