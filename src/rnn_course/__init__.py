"""Helpers for the course on recurrent neural networks.

Submodules (imported on demand so that ``import rnn_course`` stays light):

- :mod:`rnn_course.config`: quick mode and the data-source setting.
- :mod:`rnn_course.data`: IMDB and CIFAR-10 loaders with offline twins.
- :mod:`rnn_course.numpy_nets`: reference recurrent networks in NumPy.
- :mod:`rnn_course.notebook`: glue, seeding and other notebook helpers.
- :mod:`rnn_course.plotting`: training curves and figures.
- :mod:`rnn_course.checks`: checkers for the chapters' exercises.
"""

__version__ = "0.1.0"
