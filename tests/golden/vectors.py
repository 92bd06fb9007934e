"""Reader and writer of golden test vector files (the flat binary format tests/arm reads too).

Format (little-endian), one file per kernel family group::

    file  := b"PEDGEGV1" | u32 ncases | case * ncases
    case  := str name | str family | u32 narrays | array * narrays
    array := str name | u8 dtype | u8 ndim | u16 0 | u32 shape[ndim] | raw C-order data
    str   := u16 length | ASCII bytes

dtype codes: 1 uint8, 2 int8, 3 uint16, 4 int32, 5 int64, 6 float16, 7 float32, 8 float64.
Scalar parameters are 0-d int64 / float64 arrays. Float outputs carry ``tol`` (float32, shaped
like ``expected``): a kernel passes when ``|got - expected| <= tol`` element-wise.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

MAGIC = b"PEDGEGV1"
DTYPES = {1: np.uint8, 2: np.int8, 3: np.uint16, 4: np.int32, 5: np.int64, 6: np.float16,
          7: np.float32, 8: np.float64}
CODES = {np.dtype(v): k for k, v in DTYPES.items()}
GOLDEN_DIR = Path(__file__).resolve().parent


def _str(s: str) -> bytes:
    raw = s.encode("ascii")
    return struct.pack("<H", len(raw)) + raw


def write(path: Path, cases: list[tuple[str, str, dict[str, np.ndarray]]]) -> None:
    """Write ``cases`` (name, family, {array name: array}) to ``path``."""
    parts = [MAGIC, struct.pack("<I", len(cases))]
    for name, family, arrays in cases:
        parts += [_str(name), _str(family), struct.pack("<I", len(arrays))]
        for key, a in arrays.items():
            a = np.array(a, order="C", copy=None)  # keeps 0-d scalars 0-d
            if a.dtype not in CODES:
                raise TypeError(f"{name}/{key}: unsupported dtype {a.dtype}")
            parts += [_str(key), struct.pack("<BBH", CODES[a.dtype], a.ndim, 0),
                      struct.pack(f"<{a.ndim}I", *a.shape), a.astype(a.dtype.newbyteorder("<"),
                                                                     copy=False).tobytes()]
    Path(path).write_bytes(b"".join(parts))


def read(path: Path) -> list[tuple[str, str, dict[str, np.ndarray]]]:
    """Cases of the golden file at ``path`` as (name, family, {array name: array})."""
    buf = memoryview(Path(path).read_bytes())
    if bytes(buf[:8]) != MAGIC:
        raise ValueError(f"{path}: not a golden vector file (bad magic)")
    pos = 8

    def take(fmt: str):
        nonlocal pos
        out = struct.unpack_from(fmt, buf, pos)
        pos += struct.calcsize(fmt)
        return out

    def text() -> str:
        nonlocal pos
        (length,) = take("<H")
        pos += length
        return bytes(buf[pos - length:pos]).decode("ascii")

    cases = []
    (ncases,) = take("<I")
    for _ in range(ncases):
        name, family = text(), text()
        (narrays,) = take("<I")
        arrays = {}
        for _ in range(narrays):
            key = text()
            code, ndim, _pad = take("<BBH")
            shape = take(f"<{ndim}I")
            dt = np.dtype(DTYPES[code]).newbyteorder("<")
            count = int(np.prod(shape, dtype=np.int64))
            raw = np.frombuffer(buf, dt, count, pos).reshape(shape)
            arrays[key] = raw.astype(dt.newbyteorder("="))  # native order, writable copy
            pos += count * dt.itemsize
        cases.append((name, family, arrays))
    if pos != len(buf):
        raise ValueError(f"{path}: {len(buf) - pos} trailing bytes")
    return cases


def files() -> list[Path]:
    """The committed golden files, sorted."""
    return sorted(GOLDEN_DIR.glob("*.bin"))
