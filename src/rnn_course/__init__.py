"""Helpers for the course on recurrent neural networks.

Submodules (imported on demand so that ``import rnn_course`` stays light):

- :mod:`rnn_course.config`: quick mode and the data-source setting.
- :mod:`rnn_course.data`: IMDB and CIFAR-10 loaders with offline twins.
- :mod:`rnn_course.numpy_nets`: reference recurrent networks in NumPy.
- :mod:`rnn_course.notebook`: glue, seeding and other notebook helpers.
- :mod:`rnn_course.plotting`: training curves and figures.
- :mod:`rnn_course.checks`: checkers for the chapters' exercises.
- :mod:`rnn_course.models`: the model builders shared by the IMDB chapters.
- :mod:`rnn_course.experiments`: train, time and tabulate models under one budget.
- :mod:`rnn_course.sentiment`: predicting the sentiment of new texts.
- :mod:`rnn_course.tuning`: KerasTuner helpers and the Hyperband schedule.
- :mod:`rnn_course.vision`: convolution arithmetic and image figures.
- :mod:`rnn_course.diagrams`, :mod:`rnn_course.cell_diagrams`: figures drawn by code.
- :mod:`rnn_course.examples`, :mod:`rnn_course.text`: small worked examples and toy data.
"""

__version__ = "0.1.0"
