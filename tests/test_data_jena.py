"""The Jena climate loader and its offline twin.

The twin is checked for the real record's format and for the weather a
forecasting chapter relies on (daily and yearly cycles, days that resemble
the day before). The real loader is run on a tiny CSV, zipped into Keras's
cache layout under a temporary ``KERAS_HOME``: the loader passes that folder
to ``keras.utils.get_file`` itself, so no subprocess is needed, and the
probe is replaced (``tests/helpers.patch_probe``) so nothing reaches the
network.
"""

from __future__ import annotations

import zipfile

import numpy as np
import pytest

from rnn_course.data import JENA_COLUMNS, DatasetError, load_jena_climate, synthetic_jena
from rnn_course.data.jena import keras_cache_paths, read_jena_csv
from rnn_course.data.provenance import loaded_from
from tests.helpers import patch_probe

DAY = 144  # rows per day, one every 10 minutes


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    """A private, empty twin cache and Keras home for every test."""
    path = tmp_path / "rnn_course_cache"
    monkeypatch.setenv("RNN_COURSE_CACHE", str(path))
    home = tmp_path / "keras_home"
    (home / "datasets").mkdir(parents=True)
    monkeypatch.setenv("KERAS_HOME", str(home))
    return path


@pytest.fixture(scope="module")
def twin():
    return synthetic_jena.generate()


def col(record, name):
    return record.values[:, record.columns.index(name)].astype(np.float64)


# --- The twin ---------------------------------------------------------------


def test_twin_has_the_format_of_the_real_record(twin):
    assert twin.values.shape == (420_451, 14)
    assert twin.values.dtype == np.float32
    assert twin.columns == JENA_COLUMNS
    assert JENA_COLUMNS[0] == "p (mbar)" and JENA_COLUMNS[1] == "T (degC)"
    assert JENA_COLUMNS[-1] == "wd (deg)" and len(set(JENA_COLUMNS)) == 14
    assert twin.times.dtype == np.dtype("datetime64[s]")
    assert twin.times[0] == np.datetime64("2009-01-01T00:10:00")
    assert set(np.diff(twin.times).astype(int)) == {600}
    assert np.isfinite(twin.values).all()


def test_twin_is_deterministic_and_prefix_stable(twin):
    again = synthetic_jena.generate(1000, seed=0)
    np.testing.assert_array_equal(again.values, twin.values[:1000])
    other = synthetic_jena.generate(1000, seed=1)
    assert not np.array_equal(other.values, again.values)


def test_twin_is_physically_consistent(twin):
    t, dew, rh = col(twin, "T (degC)"), col(twin, "Tdew (degC)"), col(twin, "rh (%)")
    assert (dew <= t).all()
    assert rh.min() >= 0 and rh.max() <= 100
    assert (col(twin, "wv (m/s)") >= 0).all()
    assert (col(twin, "max. wv (m/s)") >= col(twin, "wv (m/s)")).all()
    wd = col(twin, "wd (deg)")
    assert wd.min() >= 0 and wd.max() <= 360
    p = col(twin, "p (mbar)")
    assert 940 < p.min() and p.max() < 1040 and abs(p.mean() - 989) < 5
    np.testing.assert_allclose(
        col(twin, "VPact (mbar)") + col(twin, "VPdef (mbar)"), col(twin, "VPmax (mbar)"),
        rtol=1e-4, atol=1e-3,
    )
    assert -25 < t.min() and t.max() < 40 and 5 < t.mean() < 12


def test_twin_has_a_daily_temperature_cycle(twin):
    t = col(twin, "T (degC)")
    hour = (np.arange(len(t)) + 1) % DAY // 6
    by_hour = np.array([t[hour == h].mean() for h in range(24)])
    assert np.ptp(by_hour) > 5
    assert 12 <= by_hour.argmax() <= 17 and by_hour.argmin() <= 6  # afternoon, before dawn


def test_twin_has_a_yearly_temperature_cycle(twin):
    t = col(twin, "T (degC)")
    month = twin.times.astype("datetime64[M]").astype(int) % 12
    by_month = np.array([t[month == m].mean() for m in range(12)])
    assert by_month[6] - by_month[0] > 12  # July much warmer than January
    assert by_month.argmax() in (5, 6, 7) and by_month.argmin() in (11, 0, 1)


def test_naive_forecast_of_the_same_time_yesterday_beats_the_mean(twin):
    t = col(twin, "T (degC)")
    naive = np.abs(t[DAY:] - t[:-DAY]).mean()
    mean = np.abs(t[DAY:] - t.mean()).mean()
    assert naive < 0.5 * mean


def test_twin_cache_is_written_once_and_reused(cache, monkeypatch):
    first = synthetic_jena.load_data(500)
    assert synthetic_jena.cache_path(0).exists()
    monkeypatch.setattr(synthetic_jena, "generate", lambda *a, **k: pytest.fail("regenerated"))
    second = synthetic_jena.load_data(500)
    np.testing.assert_array_equal(first.values, second.values)
    np.testing.assert_array_equal(first.times, second.times)


def test_synthetic_source_never_probes(monkeypatch, capsys):
    probes = patch_probe(monkeypatch, OSError(101, "Network is unreachable"))
    record = load_jena_climate(source="synthetic", n=300)
    assert probes == []
    assert record.values.shape == (300, 14)
    assert capsys.readouterr().out == ""
    assert loaded_from("jena") == "synthetic"


def test_column_accessor(twin):
    np.testing.assert_array_equal(twin.column("T (degC)"), twin.values[:, 1])
    with pytest.raises(ValueError, match="one of the 14 columns"):
        twin.column("T")


# --- The real loader, on a tiny file in Keras's cache -------------------------

# The first three rows of the real file.
TINY_ROWS = [
    "01.01.2009 00:10:00,996.52,-8.02,265.40,-8.90,93.30,3.33,3.11,0.22,1.94,3.12,"
    "1307.75,1.03,1.75,152.30",
    "01.01.2009 00:20:00,996.57,-8.41,265.01,-9.28,93.40,3.23,3.02,0.21,1.89,3.03,"
    "1309.80,0.72,1.50,136.10",
    "01.01.2009 00:30:00,996.53,-8.51,264.91,-9.31,93.90,3.21,3.01,0.20,1.88,3.02,"
    "1310.24,0.19,0.63,171.60",
]


def _write_tiny_cache(rows=TINY_ROWS):
    header = ",".join(f'"{name}"' for name in ("Date Time", *JENA_COLUMNS))
    archive, _ = keras_cache_paths()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("jena_climate_2009_2016.csv", "\n".join([header, *rows]) + "\n")
    return archive


def test_real_loader_reads_the_cached_file_without_a_probe(monkeypatch):
    archive = _write_tiny_cache()
    assert archive.name == "jena_climate_2009_2016.csv.zip_archive"
    probes = patch_probe(monkeypatch, OSError(101, "Network is unreachable"))
    record = load_jena_climate(source="keras")
    assert probes == []
    assert record.values.shape == (3, 14) and record.values.dtype == np.float32
    np.testing.assert_allclose(record.values[:, 1], [-8.02, -8.41, -8.51], rtol=1e-6)
    np.testing.assert_allclose(record.values[2, -1], 171.6, rtol=1e-6)
    assert record.times.tolist() == list(
        np.array(["2009-01-01T00:10", "2009-01-01T00:20", "2009-01-01T00:30"],
                 dtype="datetime64[s]")
    )
    assert record.columns == JENA_COLUMNS
    assert loaded_from("jena") == "keras"
    _, csv_path = keras_cache_paths()
    assert csv_path.exists()  # Keras extracted where the docstring says
    assert load_jena_climate(source="keras", n=2).values.shape == (2, 14)


def test_csv_with_other_columns_is_refused(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text('"Date Time","a"\n01.01.2009 00:10:00,1\n', encoding="utf-8")
    with pytest.raises(ValueError, match="does not have the Jena columns"):
        read_jena_csv(path)


def test_damaged_archive_is_named_and_not_deleted(monkeypatch):
    archive, _ = keras_cache_paths()
    archive.write_bytes(b"PK\x03\x04 half a download")
    with pytest.raises(DatasetError, match="truncated or corrupted") as info:
        load_jena_climate(source="keras")
    assert "\n" not in str(info.value) and archive.exists()


def test_unreachable_host_falls_back_in_auto_mode(monkeypatch, capsys):
    probes = patch_probe(monkeypatch, TimeoutError("timed out"))
    record = load_jena_climate(source="auto", n=200)
    assert [address for address, _, _ in probes] == [("s3.amazonaws.com", 443)]
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and "offline twin" in lines[0] and "timed out" in lines[0]
    np.testing.assert_array_equal(record.values, synthetic_jena.generate(200).values)
    assert loaded_from("jena") == "synthetic"


def test_unreachable_host_raises_one_line_in_keras_mode(monkeypatch, capsys):
    patch_probe(monkeypatch, OSError(101, "Network is unreachable"))
    with pytest.raises(DatasetError) as info:
        load_jena_climate(source="keras")
    message = str(info.value)
    assert "\n" not in message and 'source="synthetic"' in message
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("kwargs, error", [
    ({"n": 0}, ValueError),
    ({"n": 420_452}, ValueError),
    ({"n": 1.5}, TypeError),
    ({"n": True}, TypeError),
    ({"source": "x"}, ValueError),
    ({"seed": -1}, ValueError),
])
def test_bad_arguments_raise_one_line(kwargs, error, monkeypatch):
    probes = patch_probe(monkeypatch, OSError(101, "Network is unreachable"))
    with pytest.raises(error) as info:
        load_jena_climate(**{"source": "synthetic", **kwargs})
    assert "\n" not in str(info.value) and len(str(info.value)) < 240
    assert probes == []
