"""Training data: Fashion-MNIST IDX files, .npz arrays, and seeded mini-batch orders."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np

FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """A gzip-compressed unsigned-byte IDX file as a uint8 array."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[:2] != b"\0\0" or raw[2] != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    ndim = raw[3]
    dims = tuple(int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    data = np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(dims)):
        raise ValueError(f"{path}: {data.size} bytes of data for dims {dims}")
    return data.reshape(dims)


def to_input(images: np.ndarray) -> np.ndarray:
    """uint8 [N, 28, 28] -> float32 [N, 1, 28, 28] in [0, 1] (the demo model's input)."""
    return (images.astype(np.float32) / np.float32(255))[:, None]  # [N, 1, 28, 28]


def fashion_mnist(split: str = "train", root: str | os.PathLike = FASHION_MNIST
                  ) -> tuple[np.ndarray, np.ndarray]:
    """(float32 images [N, 1, 28, 28], int64 labels [N]) of split ``train`` or ``test``."""
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    stem = "train" if split == "train" else "t10k"
    root = Path(root)
    images = read_idx(root / f"{stem}-images-idx3-ubyte.gz")
    labels = read_idx(root / f"{stem}-labels-idx1-ubyte.gz")
    return to_input(images), labels.astype(np.int64)


def load_npz(path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray | None]:
    """(inputs, labels or None) from an .npz with ``x``/``images`` and optional ``y``/``labels``.

    uint8 images [N, H, W] are scaled to float32 [N, 1, H, W] in [0, 1].
    """
    with np.load(path, allow_pickle=False) as z:
        key = "x" if "x" in z else "images" if "images" in z else None
        if key is None:
            raise ValueError(f"{path}: needs an array 'x' or 'images', has {sorted(z)}")
        x = z[key]
        y = z["y"] if "y" in z else z["labels"] if "labels" in z else None
    if x.dtype == np.uint8:
        x = to_input(x) if x.ndim == 3 else x.astype(np.float32) / np.float32(255)
    return np.ascontiguousarray(x, np.float32), None if y is None else y.astype(np.int64)


def load_data(spec: str) -> tuple[np.ndarray, np.ndarray | None]:
    """``"fashion-mnist"`` (the training split) or a path to an .npz file."""
    if spec in ("fashion-mnist", "fashion-mnist:train"):
        return fashion_mnist("train")
    if spec == "fashion-mnist:test":
        return fashion_mnist("test")
    return load_npz(spec)


def batch_order(n: int, batch_size: int, seed: int, epoch: int) -> list[np.ndarray]:
    """Index arrays of the mini-batches of ``epoch``: a permutation seeded by (seed, epoch),
    so a resumed run sees the same batches."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    order = np.random.default_rng([seed, epoch]).permutation(n)
    return [order[s:s + batch_size] for s in range(0, n, batch_size)]
