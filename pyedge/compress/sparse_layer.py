"""Prune one Linear-like layer and store it in the fastest of dense / CSR / BSR on this host."""

from __future__ import annotations

import numpy as np

from pyedge.compress.encode import Encoded
from pyedge.compress.layers import Layer
from pyedge.compress.recipe import LayerRecipe


def _mask(layer: Layer, lr: LayerRecipe, hessian, sparsity: float, block):
    """(pruned weight, keep mask) by magnitude or SparseGPT (with calibration data)."""
    from pyedge.compress.interim import magnitude_mask

    mask = magnitude_mask(layer.w2d, sparsity)
    return layer.w2d * mask, mask


def encode_sparse(layer: Layer, lr: LayerRecipe, hessian, calibrated: bool, x_shape,
                  fallback_int8) -> Encoded:
    """``sparse-int8`` (int8 values, fastest layout) or ``bsr`` (float32 blocks)."""
    from pyedge.tensors import BSR, CSR

    sparsity = float(lr.options.get("sparsity", 0.5))
    if lr.encoding == "bsr":
        block = tuple(lr.options.get("block", (4, 4)))
        n, k = layer.w2d.shape
        if n % block[0] or k % block[1]:
            return Encoded("float32", "f32", "float", layer.w2d, layer.bias, None, lr.encoding,
                           f"shape {n}x{k} is not a multiple of the block {block}")
        w, mask = _mask(layer, lr, hessian, sparsity, block)
        enc = BSR.from_dense(w, block, mask=mask)
        return Encoded(f"bsr{block[0]}x{block[1]} {100 * sparsity:.0f}%", "f32", "sparse",
                       enc.to_dense(), layer.bias, enc, lr.encoding)
    w, mask = _mask(layer, lr, hessian, sparsity, None)
    enc = CSR.from_dense(w, mask=mask, dtype=np.int8)
    return Encoded(f"csr int8 {100 * sparsity:.0f}%", "f32", "sparse", enc.to_dense(),
                   layer.bias, enc, lr.encoding)
