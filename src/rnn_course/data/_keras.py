"""What the IMDB and CIFAR-10 loaders share about calling Keras's own loaders."""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

#: Seconds a single network operation may wait. urllib waits forever on a
#: firewall that drops packets; with this, "auto" falls back within half a
#: minute, while a slow but live download still finishes (the limit is per
#: operation, not for the whole file).
DOWNLOAD_TIMEOUT = 30.0


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


@contextlib.contextmanager
def download_timeout(seconds: float = DOWNLOAD_TIMEOUT) -> Iterator[None]:
    """Give every new socket a timeout for the duration of the block."""
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(seconds)
    try:
        yield
    finally:
        socket.setdefaulttimeout(previous)
