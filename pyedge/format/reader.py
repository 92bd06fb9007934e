"""Memory-mapped .pedge reader: validate everything, then expose zero-copy read-only arrays."""

from __future__ import annotations

import mmap
import os
import zlib
from types import MappingProxyType

import numpy as np

from pyedge.format import header as hdr
from pyedge.format.errors import FormatError
from pyedge.format.layout import ALIGN, FORMAT_VERSION, META_KEY

CRC_CHUNK = 1 << 22  # checksum in 4 MiB slices of the map
DROP_MIN = 1 << 20  # tensors this large leave the resident set once checksummed


class PedgeFile:
    """A validated, memory-mapped .pedge file.

    Attributes
    ----------
    path : str
    format_version : int
    producer : str
    graph : dict or None -- the model graph as stored (see ``pyedge.runtime.graph``)
    recipe : dict -- compression recipe (opaque to the format)
    tensors : read-only mapping name -> read-only ndarray viewing the map (no copy);
        padding tensors are left out
    metadata : the raw ``__metadata__`` strings
    nbytes : file size in bytes
    """

    def __init__(self, path, tensors, meta, metadata, mm, nbytes):
        self.path = path
        self.format_version = meta.get("format_version")
        self.producer = meta.get("producer", "")
        self.graph = meta.get("graph")
        self.recipe = meta.get("recipe", {})
        self.tensors = MappingProxyType(tensors)
        self.metadata = MappingProxyType(metadata)
        self.nbytes = nbytes
        self._mmap = mm

    def __repr__(self) -> str:
        return (f"PedgeFile({self.path!r}, version={self.format_version}, "
                f"{len(self.tensors)} tensors, {self.nbytes} bytes)")


def _pedge_meta(metadata: dict, entries: list, where: str) -> dict:
    if META_KEY not in metadata:
        raise FormatError(f"{where}: __metadata__ has no {META_KEY!r} key (a safetensors file, "
                          f"but not a .pedge file; use pyedge.format.read_safetensors)")
    meta = hdr.loads(metadata[META_KEY], f"{where}: __metadata__[{META_KEY!r}]")
    if not isinstance(meta, dict):
        raise FormatError(f"{where}: __metadata__[{META_KEY!r}] must be a JSON object")
    version = meta.get("format_version")
    if not hdr._is_int(version) or version < 1:
        raise FormatError(f"{where}: format_version must be a positive int, got {version!r}")
    if version > FORMAT_VERSION:
        raise FormatError(f"{where}: written by a newer pyedge (format version {version} > "
                          f"{FORMAT_VERSION}); upgrade pyedge to read it")
    for key, kind in (("producer", str), ("recipe", dict), ("crc32", dict)):
        if not isinstance(meta.get(key), kind):
            raise FormatError(f"{where}: {key} must be a {kind.__name__}")
    if meta.get("graph") is not None and not isinstance(meta["graph"], dict):
        raise FormatError(f"{where}: graph must be a JSON object or null")
    crc = meta["crc32"]
    names = {e.name for e in entries if not e.is_pad}
    for name in sorted(names - set(crc)):
        raise FormatError(f"{where}: tensor {name!r} has no CRC32 in the metadata")
    for name in sorted(set(crc) - names):
        raise FormatError(f"{where}: CRC32 listed for tensor {name!r}, which is not in the file")
    for name, value in crc.items():
        if not hdr._is_int(value) or not 0 <= value < 2**32:
            raise FormatError(f"{where}: tensor {name!r}: CRC32 {value!r} is not a 32-bit int")
    return meta


def _crc32(view: memoryview) -> int:
    crc = 0
    for start in range(0, len(view), CRC_CHUNK):
        with view[start:start + CRC_CHUNK] as chunk:
            crc = zlib.crc32(chunk, crc)
    return crc


def _check_data(view: memoryview, entries: list, data_start: int, pedge: bool,
                crc: dict | None, where: str, mm: mmap.mmap) -> None:
    """Alignment, padding bytes, checksums and bool values, before any array is made.

    After checksumming a tensor its pages are dropped from this process's resident set
    (MADV_DONTNEED on a read-only file map: they stay in the page cache and fault back in
    when a kernel reads them), so verifying a large file does not grow RSS by its size.
    """
    for e in entries:
        with view[data_start + e.begin:data_start + e.end] as span:
            _check_tensor(span, e, data_start, pedge, crc, where)
        if crc is not None and e.end - e.begin >= DROP_MIN:
            _drop_pages(mm, data_start + e.begin, data_start + e.end)


def _drop_pages(mm: mmap.mmap, begin: int, end: int) -> None:
    advice = getattr(mmap, "MADV_DONTNEED", None)
    if advice is None:  # pragma: no cover - not Linux/BSD
        return
    start = begin - begin % mmap.PAGESIZE
    try:
        mm.madvise(advice, start, end - start)
    except OSError:  # pragma: no cover - advisory only
        pass


def _check_tensor(span: memoryview, e, data_start: int, pedge: bool, crc: dict | None,
                  where: str) -> None:
    if pedge and e.is_pad:
        if e.dtype != np.uint8 or len(e.shape) != 1 or e.end - e.begin >= ALIGN:
            raise FormatError(f"{where}: padding tensor {e.name!r} must be uint8 of fewer "
                              f"than {ALIGN} bytes")
        if any(span):
            raise FormatError(f"{where}: padding tensor {e.name!r} holds non-zero bytes")
        return
    if pedge and e.end > e.begin and (data_start + e.begin) % ALIGN:
        raise FormatError(f"{where}: tensor {e.name!r} data is not {ALIGN}-byte aligned "
                          f"(file offset {data_start + e.begin})")
    if crc is not None:
        got = _crc32(span)
        if got != crc[e.name]:
            raise FormatError(f"{where}: tensor {e.name!r}: CRC32 mismatch (stored "
                              f"{crc[e.name]:#010x}, data {got:#010x}): corrupt data")
    if e.dtype == np.bool_ and e.end > e.begin and _max_byte(span) > 1:
        raise FormatError(f"{where}: tensor {e.name!r}: BOOL data holds bytes other than "
                          f"0 and 1")


def _max_byte(span: memoryview) -> int:
    return int(np.frombuffer(span, np.uint8).max())


def _validate(view: memoryview, mm: mmap.mmap, size: int, pedge: bool, verify: bool,
              where: str):
    n = hdr.header_length(view[:8].tobytes(), size, where)
    data_start = 8 + n
    entries, metadata = hdr.parse(view[8:data_start].tobytes(), size - data_start, where)
    meta = {}
    if pedge:
        meta = _pedge_meta(metadata, entries, where)
        if data_start % ALIGN:
            raise FormatError(f"{where}: data section starts at byte {data_start}, not "
                              f"{ALIGN}-byte aligned")
        for e in entries:
            if e.name.startswith("__") and not e.is_pad:
                raise FormatError(f"{where}: tensor name {e.name!r} uses the reserved prefix "
                                  f"'__'")
    _check_data(view, entries, data_start, pedge, meta["crc32"] if pedge and verify else None,
                where, mm)
    return data_start, entries, metadata, meta


def _open(path, pedge: bool, verify: bool):
    where = os.fspath(path)
    with open(where, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size < 8:
            hdr.header_length(b"", size, where)
        mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    try:
        with memoryview(mm) as view:
            data_start, entries, metadata, meta = _validate(view, mm, size, pedge, verify, where)
    except BaseException:
        try:
            mm.close()
        except BufferError:  # a view still referenced by the traceback; GC unmaps it
            pass
        raise
    tensors = {}
    for e in sorted(entries, key=lambda e: e.order):
        if pedge and e.is_pad:
            continue
        if e.end == e.begin:
            arr = np.zeros(e.shape, e.dtype)
        else:
            count = (e.end - e.begin) // e.dtype.itemsize
            arr = np.frombuffer(mm, e.dtype, count, data_start + e.begin).reshape(e.shape)
        arr.flags.writeable = False
        tensors[e.name] = arr
    return where, tensors, meta, metadata, mm, size


def read(path: str | os.PathLike, *, verify: bool = True) -> PedgeFile:
    """Map and validate the .pedge file at ``path``.

    Header length, JSON, offsets (sorted, non-overlapping, in bounds, hole-free), dtypes,
    shapes, sizes, alignment, padding and (with ``verify=True``) every tensor's CRC32 are
    checked before any array exists; no code is ever executed. ``verify=False`` skips the
    checksums (a faster start for large trusted files; structure is still validated).

    Raises
    ------
    FormatError
        naming the file, the tensor and the fault; "written by a newer pyedge" for a file
        whose format version this pyedge does not know.
    """
    return PedgeFile(*_open(path, pedge=True, verify=verify))


def read_safetensors(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Read any safetensors file (same structural validation; no CRC, no alignment needed).

    Returns read-only arrays viewing the map; arrays of misaligned data are still valid
    NumPy arrays (``flags.aligned`` may be False).
    """
    _, tensors, _, _, _, _ = _open(path, pedge=False, verify=False)
    return tensors
