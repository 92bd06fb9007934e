"""Helpers for format tests: sample tensors and rewriting a file's raw header."""

import json
from pathlib import Path

import numpy as np

DTYPES = [np.float32, np.float16, np.float64, np.int8, np.uint8, np.int16, np.uint16,
          np.int32, np.uint32, np.int64, np.uint64, np.bool_]


def sample(rng) -> dict[str, np.ndarray]:
    """One tensor of every supported dtype, odd sizes so padding tensors are needed."""
    out = {}
    for i, dt in enumerate(DTYPES):
        shape = (i % 3 + 1, 2 * i + 3)
        if dt == np.bool_:
            out[f"t{i}.{np.dtype(dt).name}"] = rng.random(shape) > 0.5
        elif np.dtype(dt).kind == "f":
            out[f"t{i}.{np.dtype(dt).name}"] = rng.standard_normal(shape).astype(dt)
        else:
            info = np.iinfo(dt)
            out[f"t{i}.{np.dtype(dt).name}"] = rng.integers(info.min, info.max, shape, dtype=dt,
                                                           endpoint=True)
    out["scalar"] = np.array(2.5, np.float32)
    out["empty"] = np.zeros((0, 4), np.float32)
    return out


def split(path: Path) -> tuple[dict, bytes]:
    """(header JSON object, data bytes) of a safetensors file."""
    raw = path.read_bytes()
    n = int.from_bytes(raw[:8], "little")
    return json.loads(raw[8:8 + n]), raw[8 + n:]


def join(path: Path, header: dict | bytes, data: bytes, align: int = 64) -> None:
    """Write a file from a header (dict or raw bytes, padded to ``align``) and data."""
    raw = header if isinstance(header, bytes) else json.dumps(header).encode()
    raw += b" " * (-(8 + len(raw)) % align)
    path.write_bytes(len(raw).to_bytes(8, "little") + raw + data)


def meta(header: dict) -> dict:
    return json.loads(header["__metadata__"]["pyedge"])


def set_meta(header: dict, doc: dict) -> None:
    header["__metadata__"]["pyedge"] = json.dumps(doc)
