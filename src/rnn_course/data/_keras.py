"""What the IMDB, CIFAR-10 and Jena loaders share about calling Keras's own loaders.

Before Keras downloads a file that is not in its cache, :func:`unreachable`
opens one TCP connection to the host Keras will download from. urllib, under
Keras, waits forever on a firewall that drops packets; the probe's own socket
has a timeout, so an unreachable host means a quick fallback (or one-line
error) without Keras ever being called. This replaces a global
``socket.setdefaulttimeout`` around the Keras call, which changed every
socket of the process, those of other threads included (a Jupyter kernel
runs several). Once the probe has connected, Keras downloads with no timeout
at all, so a slow but live download finishes.
"""

from __future__ import annotations

import hashlib
import os
import socket
import tempfile
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from rnn_course.config import DATA_ENV
from rnn_course.data._cache import DatasetError, notice

T = TypeVar("T")

# Keras's origins, as in keras/src/datasets/imdb.py and cifar10.py (Keras 3):
# the URLs its loaders download from. Only their hosts are contacted here.
IMDB_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb.npz"
IMDB_WORD_INDEX_URL = (
    "https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb_word_index.json"
)
CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
# Keras's (and Chollet's, Deep Learning with Python, 2nd ed., chapter 10)
# origin of the Jena climate record, downloaded with keras.utils.get_file.
JENA_URL = "https://s3.amazonaws.com/keras-datasets/jena_climate_2009_2016.csv.zip"

#: Seconds the probe waits for its TCP connection, on its own socket only. A
#: connect takes well under a second on a live network; a firewall that drops
#: packets makes it wait the full time, after which the loader falls back.
PROBE_TIMEOUT = 10.0


def keras_datasets_dir() -> Path:
    """The folder where ``keras.utils.get_file`` caches datasets.

    Keras takes its folder from ``KERAS_HOME`` (``~/.keras`` when unset),
    read once when Keras is imported, and, like ``get_file``, this falls back
    to ``/tmp/.keras`` when that folder is not writable. Knowing the path
    lets the loaders check a cached file before Keras sees it: when a cached
    file fails its hash and the download fails too, ``get_file`` deletes it.
    Set ``KERAS_HOME`` before importing Keras, as Keras itself requires.
    """
    home = os.environ.get("KERAS_HOME") or os.path.join("~", ".keras")
    base = os.path.expanduser(home)
    if not os.access(base, os.W_OK):
        base = os.path.join(
            "/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir(), ".keras"
        )
    return Path(base) / "datasets"


def sha256(path: Path) -> str:
    """The SHA-256 of the file at ``path``, as Keras's loaders record it."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def one_line(error: BaseException, limit: int = 200) -> str:
    """An exception as one short line, for messages that must fit on one."""
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."


def unreachable(url: str, timeout: float = PROBE_TIMEOUT) -> str | None:
    """Why the host of ``url`` cannot be reached, in one line; ``None`` if it can.

    Opens one TCP connection to the host (port 443 for ``https``) with
    ``socket.create_connection(..., timeout=timeout)`` and closes it at once.
    The timeout belongs to that one socket: no process-wide setting changes
    (``socket.setdefaulttimeout`` would reach every thread's sockets).
    Nothing is sent, so this costs one round trip on a live network.
    """
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or url
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        connection = socket.create_connection((host, port), timeout=timeout)
    except OSError as error:  # a failed lookup, a refusal or a timeout
        return f"no connection to {host}:{port}: {one_line(error)}"
    connection.close()
    return None


class Unavailable(Exception):
    """The real data could not be loaded; ``args[0]`` says why, in one line."""


def through_keras(
    fetch: Callable[[Any], T],
    *,
    archive: Path,
    url: str,
    intact: Callable[[Path], bool],
    unreadable: Callable[[str], str],
) -> T:
    """Run ``fetch(keras)``, a call into Keras that may download, with the course's checks.

    A damaged ``archive`` in Keras's cache stops here (Keras would delete it
    when, offline, its download fails too, or only warn); an ``archive`` that
    is missing means a download, so the host of ``url`` is probed first
    (:func:`unreachable`). Every failure becomes :class:`Unavailable` with a
    one-line reason: ``unreadable(detail)`` when Keras had a cached file.

    Raises:
        Unavailable: Keras is missing, the cache is damaged, the host cannot
            be reached, or ``fetch`` failed.
    """
    try:
        import keras
    except ImportError as exc:
        raise Unavailable(f"Keras could not be imported ({one_line(exc)})") from None
    had_archive = archive.exists()
    if had_archive:
        try:
            ok = intact(archive)
        except OSError:
            ok = False
        if not ok:
            raise Unavailable(
                f"the Keras cache file {archive} is truncated or corrupted "
                "(delete it to download again)"
            )
    else:
        # An unreachable host stops here, before Keras prints its
        # "Downloading data from ..." line, so the common offline case shows
        # the loader's one-line notice alone (a download that fails after
        # connecting keeps Keras's line).
        why = unreachable(url)
        if why is not None:
            raise Unavailable(f"could not download it ({why})")
    try:
        return fetch(keras)
    except Exception as exc:  # Keras raises bare Exception for download errors.
        if had_archive or archive.exists():
            raise Unavailable(unreadable(one_line(exc))) from None
        raise Unavailable(f"could not download it ({one_line(exc)})") from None


def real_or_twin(what: str, twin: str, source: str, load: Callable[[], T]) -> T | None:
    """``load()`` the real data, or say why not: the fallback rule of every loader.

    Returns ``load()``'s result, or ``None`` after printing the one-line
    notice that the offline twin (described by ``twin``) is used instead.

    Raises:
        DatasetError: ``source`` is ``"keras"`` and ``load`` raised
            :class:`Unavailable`: one line that names the way out.
    """
    try:
        return load()
    except Unavailable as exc:
        reason = exc.args[0]
        if source == "keras":
            raise DatasetError(
                f"Real {what} not loaded: {reason}. Without network, use "
                f'source="synthetic" or set {DATA_ENV}=synthetic for the offline twin.'
            ) from None
        notice(f"Real {what} not loaded: {reason}; using the offline twin instead ({twin}).")
        return None
