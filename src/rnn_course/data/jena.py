"""The Jena climate record: the real file through Keras first, the offline twin always.

``load_jena_climate()`` reads the weather record of the Max Planck Institute
for Biogeochemistry in Jena, 2009-2016, that Chollet's *Deep Learning with
Python* (2nd ed., chapter 10) forecasts: 420,451 rows, one every 10 minutes,
of 14 measurements (pressure, temperature, humidity, wind...). It downloads
the file as the book does, with ``keras.utils.get_file(origin=JENA_URL,
extract=True)``, and parses the CSV with NumPy. When the real file cannot be
had (no network, a classroom firewall, a damaged file in the Keras cache) it
says so in one line and falls back to the offline twin of
:mod:`rnn_course.data.synthetic_jena`: weather made by code, in the same
format.

Where Keras keeps the record (Keras 3, ``keras.utils.get_file`` with
``extract=True`` and no ``fname``: both names come from the URL's last part),
under ``<keras home>/datasets/``:

- ``jena_climate_2009_2016.csv.zip_archive``: the downloaded ``.zip``
  (13 MiB), kept; its presence alone tells Keras not to download again;
- ``jena_climate_2009_2016.csv.zip/jena_climate_2009_2016.csv``: a folder,
  despite its name, holding the extracted CSV (41 MiB), extracted afresh
  from the archive on every load.

``<keras home>`` is ``$KERAS_HOME``, else ``~/.keras``, else ``/tmp/.keras``
when that is not writable. This module reads ``KERAS_HOME`` when it is
called and passes the folder to ``get_file`` as ``cache_dir``, so the cache
it checks is the one Keras uses, even when ``KERAS_HOME`` changed after
Keras was imported.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import numpy as np

from rnn_course import _validate
from rnn_course.config import data_source
from rnn_course.data import synthetic_jena
from rnn_course.data._keras import (
    JENA_URL,
    keras_datasets_dir,
    one_line,
    real_or_twin,
    through_keras,
)
from rnn_course.data.provenance import record_origin
from rnn_course.data.synthetic_jena import JENA_COLUMNS, NUM_ROWS, JenaClimate

#: The CSV inside the archive, and the name Keras gives both cache entries.
CSV_NAME = "jena_climate_2009_2016.csv"
_KERAS_NAME = "jena_climate_2009_2016.csv.zip"


def keras_cache_paths() -> tuple[Path, Path]:
    """Where Keras keeps the record: ``(archive, extracted CSV)``.

    This repeats the path logic of ``keras.utils.get_file`` so the cache can
    be checked before Keras touches it.
    """
    datasets = keras_datasets_dir()
    return datasets / f"{_KERAS_NAME}_archive", datasets / _KERAS_NAME / CSV_NAME


def read_jena_csv(path: str | Path) -> JenaClimate:
    """Parse the Jena CSV at ``path`` (``"Date Time"`` then the 14 columns).

    Dates such as ``01.01.2009 00:10:00`` (day.month.year) become
    ``datetime64[s]``; the values become one ``float32`` array.

    Raises:
        ValueError: the file does not have the columns of the Jena record,
            or a row cannot be parsed (the message says which).
    """
    if not isinstance(path, (str, Path)) or not str(path).strip():
        raise TypeError(f"path must be the path of a CSV file, got {path!r:.60}.")
    path = Path(path)
    with open(path, encoding="utf-8", newline="") as file:
        header = next(csv.reader([file.readline()]), [])
        body = file.read()
    if tuple(header) != ("Date Time", *JENA_COLUMNS):
        raise ValueError(
            f"{path.name} does not have the Jena columns: its header is {header[:3]!r:.80}..."
        )
    lines = body.splitlines()
    if not lines:
        return JenaClimate(np.zeros(0, "datetime64[s]"),
                           np.zeros((0, len(JENA_COLUMNS)), np.float32), JENA_COLUMNS)
    try:
        # "dd.mm.yyyy HH:MM:SS" -> "yyyy-mm-ddTHH:MM:SS", which NumPy parses.
        stamps = [f"{s[6:10]}-{s[3:5]}-{s[0:2]}T{s[11:19]}" for s in lines]
        times = np.array(stamps, dtype="datetime64[s]")
        values = np.loadtxt(io.StringIO(body), delimiter=",", dtype=np.float32,
                            usecols=range(1, len(JENA_COLUMNS) + 1), ndmin=2)
    except ValueError as error:
        raise ValueError(f"{path.name} could not be parsed: {one_line(error, 120)}") from None
    return JenaClimate(times, values, JENA_COLUMNS)


def _load_from_keras() -> JenaClimate:
    """The real record through ``keras.utils.get_file``, with the course's checks.

    A cached archive must be a zip file (Keras would only warn "Could not
    extract archive" and go on); a missing one means a download, and the
    host is probed first (:func:`rnn_course.data._keras.through_keras`).
    """
    archive, csv_path = keras_cache_paths()

    def fetch(keras):
        keras.utils.get_file(
            origin=JENA_URL, extract=True, cache_dir=str(keras_datasets_dir().parent)
        )
        return read_jena_csv(csv_path)

    return through_keras(
        fetch,
        archive=archive,
        url=JENA_URL,
        intact=zipfile.is_zipfile,
        unreadable=lambda detail: (
            f"the Keras cache file {archive} could not be extracted and read "
            f"({detail}): delete it to download again"
        ),
    )


def load_jena_climate(
    source: str | None = None, n: int | None = None, seed: int = 0
) -> JenaClimate:
    """Load the Jena climate record, or its offline twin.

    Args:
        source: ``"keras"`` for the real record (downloaded once through
            ``keras.utils.get_file``, 13 MiB), ``"synthetic"`` for the offline
            twin (:mod:`rnn_course.data.synthetic_jena`), ``"auto"`` for the
            real record and, if that fails, the twin with a one-line notice.
            ``None`` reads ``RNN_COURSE_DATA``, else ``"auto"``.
        n: Keep only the first ``n`` rows (1 to 420,451); ``None`` keeps all.
        seed: Seed of the offline twin (a non-negative integer); the real data
            does not depend on it.

    Returns:
        A :class:`JenaClimate` named tuple ``(times, values, columns)``:

        - ``times``: ``datetime64[s]`` array ``(n,)``, 10 minutes apart;
        - ``values``: ``float32`` array ``(n, 14)``;
        - ``columns``: the 14 names, :data:`JENA_COLUMNS`, e.g. ``"T (degC)"``.

    Raises:
        TypeError, ValueError, DatasetError: As :func:`rnn_course.data.load_cifar10`.

    Example:

    ```python
    weather = load_jena_climate()
    weather.values.shape             # (420451, 14)
    temperature = weather.column("T (degC)")
    ```
    """
    if n is not None:
        n = _validate.positive_int("n", n)
        if n > NUM_ROWS:
            raise ValueError(f"n must be between 1 and {NUM_ROWS:,}, got {n}.")
    seed = _validate.seed("seed", seed)
    source = data_source(source)

    if source != "synthetic":
        record = real_or_twin(
            "Jena climate record", "weather made by code, not measured", source,
            _load_from_keras,
        )
        if record is not None:
            record_origin("jena", "keras")
            if n is None or n >= len(record.times):
                return record
            return JenaClimate(record.times[:n].copy(), record.values[:n].copy(), record.columns)

    record_origin("jena", "synthetic")
    return synthetic_jena.load_data(NUM_ROWS if n is None else n, seed=seed)
