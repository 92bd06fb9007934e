"""Prune one Linear-like layer and store it in the fastest of dense / CSR / BSR on this host."""

from __future__ import annotations

import numpy as np

from pyedge.compress.encode import Encoded
from pyedge.compress.layers import Layer
from pyedge.compress.recipe import LayerRecipe

TIMING_ROWS = 32 * 196  # activation rows the layout choice is timed on (x_shape unknown)
MIN_PRUNE = 64  # layers with N or K below this stay dense: pruning them costs the most
# accuracy (measured on the demo model: K=32 and N=10 layers) and no kernel gets faster


def prune(layer: Layer, lr: LayerRecipe, hessian, sparsity: float,
          block: tuple[int, int] = (1, 1)) -> tuple[np.ndarray, np.ndarray, str]:
    """(pruned weight, keep mask, method): SparseGPT with calibration data, else magnitude."""
    from pyedge.compress.masks import block_mask, magnitude_mask

    h = hessian(layer)
    method = lr.options.get("method", "sparsegpt" if h is not None else "magnitude")
    if method == "sparsegpt" and h is not None:
        from pyedge.compress.sparsegpt import sparsegpt

        w, mask = sparsegpt(layer.w2d, h, sparsity, block=block)
        return w, mask, "sparsegpt"
    mask = (magnitude_mask(layer.w2d, sparsity) if block == (1, 1)
            else block_mask(layer.w2d, sparsity, block))
    mask = mask if mask.shape == layer.w2d.shape else np.repeat(
        np.repeat(mask, block[0], 0), block[1], 1)  # block mask -> elementwise [N, K]
    return np.where(mask, layer.w2d, np.float32(0)), mask, "magnitude"


def encode_sparse(layer: Layer, lr: LayerRecipe, hessian, calibrated: bool, x_shape,
                  fallback_int8) -> Encoded:
    """``sparse-int8`` (int8 values, fastest of dense / CSR / BSR on this host, timed with
    uint8 activations as QLinearSparse / QGemm run them) or ``bsr`` (float32 blocks)."""
    from pyedge.compress.encoding_choice import build_encoding, fastest_sparse_encoding

    sparsity = float(lr.options.get("sparsity", 0.5))
    n, k = layer.w2d.shape
    rows = x_shape[0] if x_shape else TIMING_ROWS
    if lr.encoding == "bsr":
        block = tuple(lr.options.get("block", (4, 4)))
        if n % block[0] or k % block[1]:
            return Encoded("float32", "f32", "float", layer.w2d, layer.bias, None, lr.encoding,
                           f"shape {n}x{k} is not a multiple of the block {block}")
        w, mask, how = prune(layer, lr, hessian, sparsity, block)
        enc = build_encoding(w, mask, f"bsr{block[0]}x{block[1]}")
        return Encoded(f"bsr{block[0]}x{block[1]} {100 * sparsity:.0f}% {how}", "f32",
                       "sparse", enc.to_dense(), layer.bias, enc, lr.encoding)
    if min(n, k) < MIN_PRUNE:
        e = fallback_int8(layer, lr.encoding, calibrated,
                          f"{n}x{k} is too small to prune (N and K must be >= {MIN_PRUNE})")
        return e
    w, mask, how = prune(layer, lr, hessian, sparsity)
    tag = f"{100 * sparsity:.0f}% {how}"
    if not calibrated:  # float activations: int8 values with per-row scales, CSR
        enc = build_encoding(w, mask, "csr", np.int8)
        return Encoded(f"csr int8 {tag}", "f32", "sparse", enc.to_dense(), layer.bias, enc,
                       lr.encoding, "no calibration data: float activations")
    dense = fallback_int8(layer, lr.encoding, True)
    if dense.form == "float":  # the activation cannot be fused into an 8-bit kernel
        return dense
    # a long budget and a wide margin: on a shared, busy machine one noisy dense timing
    # must not make a sparse layout win (the choice is never allowed to be slower)
    choice, seconds = fastest_sparse_encoding(w, mask, (rows, k), dtype=np.int8,
                                              budget=0.2, margin=0.3)
    info = {"sparse_choice": choice, "sparse_seconds": seconds, "sparsity": sparsity}
    if choice == "dense":
        from pyedge.compress.uniform import quantize_int8_channel

        q, scale = quantize_int8_channel(w)
        return Encoded(f"int8 dense {tag}", "q8", dense.form,
                       q.astype(np.float32) * scale[:, None], layer.bias, (q, scale),
                       lr.encoding, info=info)
    enc = build_encoding(w, mask, choice, np.int8)
    return Encoded(f"{choice} int8 {tag}", "q8", "qsparse", enc.to_dense(), layer.bias, enc,
                   lr.encoding, info=info)
