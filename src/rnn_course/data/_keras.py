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
from pathlib import Path

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
