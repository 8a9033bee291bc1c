"""On-disk cache shared by the offline twins.

Arrays are stored in ``.npz`` files that need no pickle to read; ragged lists
of sequences are kept as one flat integer array plus offsets. Every file is
written under a temporary name and renamed into place, so an interrupted run
never leaves half a file behind.
"""

from __future__ import annotations

import os
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

CACHE_ENV = "RNN_COURSE_CACHE"

#: A temporary file this old was left by a writer that died (killed, or the
#: machine went down) before renaming it; generating a cache file takes
#: seconds, so an hour leaves any live writer alone.
STALE_SECONDS = 3600


class DatasetError(RuntimeError):
    """A dataset could not be loaded; the message says why in one line."""


def cache_dir() -> Path:
    """Return the directory for generated datasets, creating it if needed.

    ``$RNN_COURSE_CACHE`` when set, else ``~/.cache/rnn_course``; a temporary
    directory when neither is writable (a read-only home on a lab machine).
    """
    candidates = []
    if os.environ.get(CACHE_ENV):
        candidates.append(Path(os.environ[CACHE_ENV]).expanduser())
    candidates.append(Path.home() / ".cache" / "rnn_course")
    candidates.append(Path(tempfile.gettempdir()) / "rnn_course")
    for path in candidates:
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(path, os.W_OK):
            return path
    raise DatasetError(
        f"No writable cache directory: set {CACHE_ENV} to a writable folder."
    )


def save_arrays(path: Path, **arrays: np.ndarray) -> None:
    """Write ``arrays`` to ``path`` (``.npz``) atomically: temporary file, then rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(path)
    fd, tmp_name = tempfile.mkstemp(
        prefix=path.name + ".", suffix=".tmp", dir=path.parent
    )
    try:
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, **arrays)
        os.replace(tmp_name, path)
    except BaseException:
        # Also on KeyboardInterrupt: never leave the temporary file behind.
        if os.path.exists(tmp_name):
            os.remove(tmp_name)
        raise


def _remove_stale_temporaries(path: Path) -> None:
    """Delete temporary files of ``path`` that a killed writer left behind.

    A SIGKILL or a power cut skips the clean-up of :func:`save_arrays`: the
    file under the real name is never half-written, but its temporary file
    stays. Only old ones are removed, since another process may be writing
    a young one right now.
    """
    now = time.time()
    for leftover in path.parent.glob(f"{path.name}.*.tmp"):
        try:
            if now - leftover.stat().st_mtime > STALE_SECONDS:
                leftover.unlink()
        except OSError:  # removed by another process meanwhile, or not ours to remove
            continue


def load_arrays(path: Path, keys: tuple[str, ...]) -> dict[str, np.ndarray] | None:
    """Read ``keys`` from a cached ``.npz`` file.

    Returns:
        A dict of arrays, or ``None`` when the file is missing. A file that is
        unreadable or lacks a key is deleted (it is only a cache) and ``None``
        is returned, so the caller regenerates it.
    """
    path = Path(path)
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as stored:
            return {key: stored[key] for key in keys}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        path.unlink(missing_ok=True)
        return None


def flatten_sequences(sequences) -> tuple[np.ndarray, np.ndarray]:
    """Pack a list of integer sequences into ``(values, offsets)``.

    ``values`` holds every sequence one after the other; sequence ``i`` is
    ``values[offsets[i]:offsets[i + 1]]``, so ``offsets`` has ``len + 1`` entries.
    """
    lengths = np.fromiter((len(s) for s in sequences), dtype=np.int64)
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    if len(lengths) == 0:
        return np.zeros(0, dtype=np.int32), offsets
    values = np.concatenate([np.asarray(s, dtype=np.int32) for s in sequences])
    return values, offsets


def unflatten_sequences(values: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Inverse of :func:`flatten_sequences`: an object array of Python lists.

    This is the exact container ``keras.datasets.imdb.load_data`` returns.
    """
    as_list = values.tolist()
    out = np.empty(len(offsets) - 1, dtype=object)
    for i, (start, stop) in enumerate(zip(offsets[:-1].tolist(), offsets[1:].tolist())):
        out[i] = as_list[start:stop]
    return out


def notice(message: str) -> None:
    """Print a one-line notice that shows in the notebook's output."""
    print(f"[rnn_course] {message}")
