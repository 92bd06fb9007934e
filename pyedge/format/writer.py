"""Atomic .pedge writer: safetensors layout, 64-byte aligned data, per-tensor CRC32."""

from __future__ import annotations

import os
import tempfile
import time
import zlib
from collections.abc import Mapping

import numpy as np

from pyedge.format.dtypes import TO_NUMPY, token_for
from pyedge.format.layout import ALIGN, FORMAT_VERSION, META_KEY, PAD_PREFIX, RESERVED_PREFIX

PRODUCER = "pyedge 0.1.0"
ORPHAN_AGE = 2.0  # seconds since a temp file last changed before it may count as orphaned


def _canonical(name, value) -> np.ndarray:
    if not isinstance(name, str) or not name:
        raise ValueError(f"tensor names must be non-empty strings, got {name!r}")
    if name.startswith(RESERVED_PREFIX):
        raise ValueError(f"tensor name {name!r} starts with {RESERVED_PREFIX!r} (reserved)")
    if not isinstance(value, np.ndarray):
        raise TypeError(f"tensor {name!r} must be a numpy.ndarray, got {type(value).__name__}")
    tok = token_for(value.dtype)
    return np.asarray(value, dtype=TO_NUMPY[tok], order="C")


def _bytes(arr: np.ndarray) -> memoryview:
    """The raw bytes of a C-contiguous array, without a copy."""
    return memoryview(arr.reshape(-1).view(np.uint8))


def _metadata_json(crc: dict, graph, recipe, producer) -> str:
    import json
    if graph is not None and not isinstance(graph, dict):
        raise TypeError(f"graph must be a dict or None, got {type(graph).__name__}")
    if recipe is not None and not isinstance(recipe, dict):
        raise TypeError(f"recipe must be a dict or None, got {type(recipe).__name__}")
    doc = {"format_version": FORMAT_VERSION, "producer": producer or PRODUCER,
           "graph": graph, "recipe": recipe or {}, "crc32": crc}
    try:
        return json.dumps(doc, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"graph/recipe must be JSON-serialisable without NaN/Inf: {exc}") from None


def _plan(arrays: dict[str, np.ndarray]) -> tuple[dict, list]:
    """Header entries and the ordered list of (name, array-or-pad-size) to write."""
    header, chunks, cursor = {}, [], 0
    for name, arr in arrays.items():
        gap = -cursor % ALIGN
        if gap and arr.nbytes:
            pad = f"{PAD_PREFIX}{len(chunks)}"
            header[pad] = {"dtype": "U8", "shape": [gap], "data_offsets": [cursor, cursor + gap]}
            chunks.append((pad, gap))
            cursor += gap
        header[name] = {"dtype": token_for(arr.dtype), "shape": list(arr.shape),
                        "data_offsets": [cursor, cursor + arr.nbytes]}
        chunks.append((name, arr))
        cursor += arr.nbytes
    return header, chunks


def encode_header(header: dict, metadata: dict) -> bytes:
    """JSON header padded with spaces so the data section starts on an ALIGN boundary."""
    import json

    raw = json.dumps({"__metadata__": metadata, **header}, separators=(",", ":")).encode()
    raw += b" " * (-(8 + len(raw)) % ALIGN)
    return len(raw).to_bytes(8, "little") + raw


def write(path: str | os.PathLike, tensors: Mapping[str, np.ndarray], *,
          graph: dict | None = None, recipe: dict | None = None,
          producer: str | None = None) -> None:
    """Write ``tensors`` (and the graph) to a .pedge file at ``path``, atomically.

    The data goes to a temporary file in the same directory, is fsync'ed and renamed over
    ``path``; on any error (or interrupt) ``path`` is left untouched and the temporary removed.
    A process killed mid-write leaves ``path`` intact and its temporary behind; the next write
    to ``path`` deletes such orphans (unlocked temporaries unchanged for ``ORPHAN_AGE`` s).

    Parameters
    ----------
    path : destination file
    tensors : mapping name -> ndarray (bool, 8/16/32/64-bit ints, float16/32/64), any layout;
        stored C-contiguous little-endian in the given order. Names may not start with ``__``.
    graph : JSON-serialisable dict describing the model (see ``pyedge.runtime.graph``), optional
    recipe : JSON-serialisable dict: how the model was compressed (opaque to the format)
    producer : free text, defaults to ``"pyedge <version>"``
    """
    if not isinstance(tensors, Mapping):
        raise TypeError(f"tensors must be a mapping name -> ndarray, got {type(tensors).__name__}")
    arrays = {name: _canonical(name, value) for name, value in tensors.items()}
    crc = {name: zlib.crc32(_bytes(arr)) for name, arr in arrays.items()}
    header, chunks = _plan(arrays)
    blob = encode_header(header, {META_KEY: _metadata_json(crc, graph, recipe, producer)})
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    prefix = f".{os.path.basename(path)}."
    _remove_orphans(directory, prefix)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=prefix, suffix=".tmp")
    try:
        _lock(fd)
        with os.fdopen(fd, "wb") as f:
            f.write(blob)
            for _, item in chunks:
                f.write(bytes(item) if isinstance(item, int) else _bytes(item))
            f.flush()
            os.fsync(f.fileno())
        mode = os.stat(path).st_mode & 0o777 if os.path.exists(path) else 0o644
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_directory(directory)


def _lock(fd: int) -> None:
    """Hold an exclusive lock on a temp file while it is written (released at exit or kill)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: orphans are then left in place
        return
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _remove_orphans(directory: str, prefix: str) -> None:
    """Delete temp files of earlier writes to the same path whose process died (kill -9,
    power loss) before the rename: unlocked, unchanged for ORPHAN_AGE seconds."""
    try:
        import fcntl
        names = os.listdir(directory)
    except (ImportError, OSError):  # pragma: no cover - not POSIX, or an unlistable directory
        return
    for name in names:
        if not (name.startswith(prefix) and name.endswith(".tmp")):
            continue
        tmp = os.path.join(directory, name)
        try:
            fd = os.open(tmp, os.O_RDONLY)
        except OSError:
            continue
        try:
            if time.time() - os.fstat(fd).st_mtime < ORPHAN_AGE:
                continue
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # fails while its writer lives
            os.unlink(tmp)
        except OSError:
            pass
        finally:
            os.close(fd)


def _fsync_directory(directory: str) -> None:
    """Make the rename durable (best effort: not every platform can open a directory)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def file_size(tensors: Mapping[str, np.ndarray], *, graph: dict | None = None,
              recipe: dict | None = None, producer: str | None = None) -> int:
    """The exact size in bytes of the file :func:`write` would write, without writing it."""
    arrays = {name: _canonical(name, value) for name, value in tensors.items()}
    crc = {name: zlib.crc32(_bytes(arr)) for name, arr in arrays.items()}
    header, chunks = _plan(arrays)
    blob = encode_header(header, {META_KEY: _metadata_json(crc, graph, recipe, producer)})
    return len(blob) + sum(c if isinstance(c, int) else c.nbytes for _, c in chunks)
