"""Helpers for the course on recurrent neural networks.

Submodules (imported on demand so that ``import rnn_course`` stays light):

- :mod:`rnn_course.config`, :mod:`rnn_course.runtime`: quick mode, the data
  source, and what the machine can do.
- :mod:`rnn_course.data`: IMDB and CIFAR-10 loaders with offline twins.
- :mod:`rnn_course.numpy_nets`: reference recurrent networks in NumPy.
- :mod:`rnn_course.text`: from words to ids, and what a cut at ``maxlen`` loses.
- :mod:`rnn_course.batching`: length cuts, length buckets, ``tf.data``.
- :mod:`rnn_course.models`: every Keras model builder of the course.
- :mod:`rnn_course.training`: the trainers, epoch timing, results tables.
- :mod:`rnn_course.sentiment`: asking a trained model about new texts.
- :mod:`rnn_course.tuning`: KerasTuner helpers and the Hyperband schedule.
- :mod:`rnn_course.vision`: convolution arithmetic and image figures.
- :mod:`rnn_course.plotting`: figures of data (curves, states, histograms).
- :mod:`rnn_course.diagrams`, :mod:`rnn_course.cell_diagrams`: diagrams
  drawn by code.
- :mod:`rnn_course.examples`: the small worked example of Chapter 2.
- :mod:`rnn_course.checks`: checkers for the chapters' exercises.
- :mod:`rnn_course.notebook`: glue, seeding and other notebook helpers.
- :mod:`rnn_course.benchmark_results`: the timings of ``make bench``.
"""

__version__ = "0.3.0"
