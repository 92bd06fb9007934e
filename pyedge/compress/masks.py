# Pruning masks (True = keep): magnitude per layer and global, BSR block masks, N:M masks.
"""Pruning masks for weights ``w[N, K]`` (True = keep, False = pruned).

Every mask prunes exactly ``round(sparsity * count)`` entries (or blocks); ties in the score
are broken deterministically: among equal scores the entry with the lower flat index (row-major
order; for global masks, earlier layers first) is pruned first.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from pyedge.tensors.compressed import BLOCKS


def check_sparsity(sparsity: float, name: str = "sparsity") -> float:
    """``sparsity`` as a float in [0, 1]; ValueError/TypeError naming ``name`` otherwise."""
    if isinstance(sparsity, bool) or not isinstance(sparsity, int | float | np.floating
                                                        | np.integer):
        raise TypeError(f"{name} must be a number in [0, 1], got {type(sparsity).__name__}")
    s = float(sparsity)
    if not 0.0 <= s <= 1.0:
        raise ValueError(f"{name} must lie in [0, 1], got {sparsity!r}")
    return s


def check_weight(w, name: str = "w", ndim: int | None = 2) -> np.ndarray:
    """A finite float ndarray (``ndim``-D unless None, non-empty); clear errors naming ``name``."""
    if not isinstance(w, np.ndarray):
        raise TypeError(f"{name} must be a numpy.ndarray, got {type(w).__name__}")
    if not np.issubdtype(w.dtype, np.floating):
        raise TypeError(f"{name} must be a float array, got {w.dtype}")
    if ndim is not None and w.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {w.shape}")
    if w.size == 0:
        raise ValueError(f"{name} is empty (shape {w.shape})")
    if not np.all(np.isfinite(w)):
        raise ValueError(f"{name} holds NaN or Inf")
    return w


def n_pruned(sparsity: float, count: int) -> int:
    """How many of ``count`` entries a mask at ``sparsity`` prunes (round half up)."""
    return min(count, int(np.floor(sparsity * count + 0.5)))


def lowest(scores: np.ndarray, count: int) -> np.ndarray:
    """Boolean mask (same shape) of the ``count`` lowest scores, ties to the lower flat index."""
    flat = scores.reshape(-1)
    order = np.argsort(flat, kind="stable")
    pruned = np.zeros(flat.shape, dtype=bool)
    pruned[order[:count]] = True
    return pruned.reshape(scores.shape)


def magnitude_mask(w: np.ndarray, sparsity: float) -> np.ndarray:
    """Keep the largest ``|w|``; prune exactly ``round(sparsity * w.size)`` entries.

    Parameters
    ----------
    w : float ndarray of any shape (usually ``[N, K]``)
    sparsity : fraction of entries to prune, in [0, 1]

    Returns
    -------
    bool ndarray shaped like ``w``: True = keep
    """
    w = check_weight(w, ndim=None)
    s = check_sparsity(sparsity)
    return ~lowest(np.abs(w), n_pruned(s, w.size))


def global_magnitude_masks(weights: Mapping[str, np.ndarray],
                           sparsity: float) -> dict[str, np.ndarray]:
    """One magnitude threshold across layers: prune the globally smallest ``|w|``.

    Parameters
    ----------
    weights : name -> float ndarray (any shapes); ties go to earlier layers (dict order)
    sparsity : fraction of all entries (summed over layers) to prune, in [0, 1]

    Returns
    -------
    name -> bool mask shaped like its weight (True = keep)
    """
    if not isinstance(weights, Mapping) or not weights:
        raise TypeError("weights must be a non-empty mapping name -> ndarray")
    arrays = {name: check_weight(w, f"weights[{name!r}]", ndim=None)
              for name, w in weights.items()}
    s = check_sparsity(sparsity)
    scores = np.concatenate([np.abs(w).astype(np.float64).reshape(-1) for w in arrays.values()])
    pruned = lowest(scores, n_pruned(s, scores.size))
    masks, start = {}, 0
    for name, w in arrays.items():
        masks[name] = ~pruned[start:start + w.size].reshape(w.shape)
        start += w.size
    return masks


def block_scores(w: np.ndarray, block: tuple[int, int]) -> np.ndarray:
    """L2 norm of every ``r x c`` block of ``w[N, K]``: float64 ``[N / r, K / c]``."""
    r, c = block
    n, k = w.shape
    blocks = w.astype(np.float64).reshape(n // r, r, k // c, c)  # [N/r, r, K/c, c]
    return np.sqrt(np.square(blocks).sum(axis=(1, 3)))


def check_block(block, shape: tuple[int, int]) -> tuple[int, int]:
    """``block`` as an (r, c) tuple of the BSR block set that tiles ``shape``."""
    try:
        block = tuple(int(b) for b in block)
    except TypeError:
        raise TypeError(f"block must be a pair (r, c), got {block!r}") from None
    if block not in BLOCKS:
        raise ValueError(f"block must be one of {', '.join(f'{a}x{b}' for a, b in BLOCKS)}, "
                         f"got {block!r}")
    r, c = block
    if shape[0] % r or shape[1] % c:
        raise ValueError(f"w shape {shape} is not a multiple of the block {r}x{c}")
    return block


def block_mask(w: np.ndarray, sparsity: float, block: tuple[int, int] = (4, 4)) -> np.ndarray:
    """Prune whole ``r x c`` blocks (the BSR block set) with the smallest L2 norm.

    Parameters
    ----------
    w : float ndarray ``[N, K]``, N a multiple of r and K a multiple of c
    sparsity : fraction of blocks (hence of entries) to prune, in [0, 1]
    block : (r, c) in 1x1, 1x4, 4x1, 4x4, 8x1, 16x1

    Returns
    -------
    bool ndarray ``[N, K]`` constant on each block (True = keep); pass it to
    ``pyedge.tensors.BSR.from_dense(w * mask, block, mask)``.
    """
    w = check_weight(w)
    s = check_sparsity(sparsity)
    r, c = check_block(block, w.shape)
    scores = block_scores(w, (r, c))
    keep = ~lowest(scores, n_pruned(s, scores.size))
    return np.repeat(np.repeat(keep, r, axis=0), c, axis=1)


def check_nm(n: int, m: int, k: int) -> tuple[int, int]:
    """Validate an N:M pattern (keep ``n`` of every ``m`` consecutive entries along K)."""
    for name, v in (("n", n), ("m", m)):
        if isinstance(v, bool) or not isinstance(v, int | np.integer):
            raise TypeError(f"{name} must be an int, got {type(v).__name__}")
    if not 0 <= n <= m or m < 1:
        raise ValueError(f"N:M needs 0 <= n <= m and m >= 1, got n={n}, m={m}")
    if k % m:
        raise ValueError(f"w has K={k}, not a multiple of m={m}")
    return int(n), int(m)


def nm_mask(w: np.ndarray, n: int = 2, m: int = 4) -> np.ndarray:
    """N:M sparsity: in every group of ``m`` consecutive weights along K keep the ``n`` largest.

    Parameters
    ----------
    w : float ndarray ``[N, K]``, K a multiple of m
    n, m : keep n of m (2:4 and 4:8 give 50 %; 1:4 gives 75 %); ties keep the lower index

    Returns
    -------
    bool ndarray ``[N, K]`` (True = keep) with exactly n kept entries per group
    """
    w = check_weight(w)
    n, m = check_nm(n, m, w.shape[1])
    groups = np.abs(w).reshape(w.shape[0], -1, m)  # [N, K/m, m]
    order = np.argsort(-groups, axis=-1, kind="stable")  # largest first, ties: lower index
    keep = np.zeros(groups.shape, dtype=bool)
    np.put_along_axis(keep, order[..., :n], True, axis=-1)
    return keep.reshape(w.shape)


def sparsity_of(mask: np.ndarray) -> float:
    """Fraction of pruned (False) entries of a boolean mask."""
    mask = np.asarray(mask)
    if mask.dtype != bool:
        raise TypeError(f"mask must be boolean, got {mask.dtype}")
    return 1.0 - float(np.count_nonzero(mask)) / mask.size if mask.size else 0.0
