"""Parse and validate a safetensors header before any tensor data is touched."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from pyedge.format.dtypes import TO_NUMPY
from pyedge.format.errors import FormatError
from pyedge.format.layout import MAX_HEADER, MAX_NDIM, PAD_PREFIX

ENTRY_KEYS = {"dtype", "shape", "data_offsets"}


@dataclass(frozen=True)
class Entry:
    """One tensor of the header: offsets are relative to the start of the data section."""

    name: str
    dtype: np.dtype
    shape: tuple[int, ...]
    begin: int
    end: int
    order: int  # position in the JSON header (the writer's order)

    @property
    def is_pad(self) -> bool:
        return self.name.startswith(PAD_PREFIX)


def _no_duplicates(pairs):
    out = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r}")
        out[key] = value
    return out


def _reject_constant(token):
    raise ValueError(f"non-standard JSON constant {token}")


def loads(text: str | bytes, what: str):
    """Strict JSON: no duplicate keys, no NaN/Infinity; FormatError naming ``what``."""
    import json  # only when a file is read: keeps ``import pyedge.runtime`` light

    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except (ValueError, RecursionError, UnicodeDecodeError) as exc:
        raise FormatError(f"{what} is not valid JSON: {exc}") from None


def _is_int(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def header_length(prefix: bytes, file_size: int, where: str) -> int:
    """The header length stored in the first 8 bytes, checked against the file size."""
    if file_size < 8:
        raise FormatError(f"{where}: file is {file_size} bytes, too short for a safetensors "
                          f"header (needs 8 bytes of length)")
    n = int.from_bytes(prefix[:8], "little")
    if n < 2:
        raise FormatError(f"{where}: header length {n} is too small")
    if n > MAX_HEADER:
        raise FormatError(f"{where}: header length {n} exceeds the {MAX_HEADER}-byte limit")
    if n > file_size - 8:
        raise FormatError(f"{where}: header length {n} runs past the end of the "
                          f"{file_size}-byte file (truncated?)")
    return n


def _entry(order: int, name, info, data_len: int, where: str) -> Entry:
    if not isinstance(name, str) or not name:
        raise FormatError(f"{where}: empty tensor name")
    fault = f"{where}: tensor {name!r}"
    if not isinstance(info, dict) or set(info) != ENTRY_KEYS:
        keys = sorted(info) if isinstance(info, dict) else type(info).__name__
        raise FormatError(f"{fault}: entry must have exactly the keys dtype, shape, "
                          f"data_offsets (got {keys})")
    tok = info["dtype"]
    if not isinstance(tok, str) or tok not in TO_NUMPY:
        raise FormatError(f"{fault}: unsupported dtype {tok!r} (supported: "
                          f"{', '.join(TO_NUMPY)})")
    dtype = TO_NUMPY[tok]
    shape = info["shape"]
    if not isinstance(shape, list) or len(shape) > MAX_NDIM:
        raise FormatError(f"{fault}: shape must be a list of at most {MAX_NDIM} ints, got "
                          f"{str(shape)[:80]}")
    if not all(_is_int(d) and d >= 0 for d in shape):
        raise FormatError(f"{fault}: shape {shape} holds a negative or non-integer dimension")
    offs = info["data_offsets"]
    if not (isinstance(offs, list) and len(offs) == 2 and all(_is_int(o) for o in offs)):
        raise FormatError(f"{fault}: data_offsets must be two ints, got {str(offs)[:80]}")
    begin, end = offs
    if not 0 <= begin <= end:
        raise FormatError(f"{fault}: data_offsets [{begin}, {end}] are negative or reversed")
    if end > data_len:
        raise FormatError(f"{fault}: data_offsets [{begin}, {end}] run past the end of the "
                          f"{data_len}-byte data section (truncated file?)")
    nbytes = math.prod(shape) * dtype.itemsize  # exact Python int, never allocated
    if nbytes != end - begin:
        raise FormatError(f"{fault}: shape {shape} x {tok} needs {nbytes} bytes but "
                          f"data_offsets span {end - begin}")
    return Entry(name, dtype, tuple(shape), begin, end, order)


def parse(raw: bytes, data_len: int, where: str) -> tuple[list[Entry], dict]:
    """Validate the JSON header; return entries sorted by offset and ``__metadata__``.

    Checks every entry (dtype, shape, size, bounds) and that the tensors tile the data
    section exactly: sorted, non-overlapping, no holes, nothing after the last one.
    """
    if raw[:1] != b"{":
        raise FormatError(f"{where}: header does not start with '{{' (not a safetensors file)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormatError(f"{where}: header is not UTF-8: {exc}") from None
    doc = loads(text, f"{where}: header")
    if not isinstance(doc, dict):
        raise FormatError(f"{where}: header must be a JSON object")
    meta = doc.pop("__metadata__", {})
    if not isinstance(meta, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                             for k, v in meta.items()):
        raise FormatError(f"{where}: __metadata__ must map strings to strings")
    entries = [_entry(i, name, info, data_len, where)
               for i, (name, info) in enumerate(doc.items())]
    entries.sort(key=lambda e: (e.begin, e.end))
    cursor = 0
    for e in entries:
        if e.begin != cursor:
            kind = "overlaps the previous tensor" if e.begin < cursor else "leaves a hole before it"
            raise FormatError(f"{where}: tensor {e.name!r} at data_offsets [{e.begin}, {e.end}] "
                              f"{kind} (previous data ends at {cursor})")
        cursor = e.end
    if cursor != data_len:
        raise FormatError(f"{where}: {data_len - cursor} bytes after the last tensor (the data "
                          f"section must be covered exactly)")
    return entries, meta
