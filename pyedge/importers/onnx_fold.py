"""Constant folding of ONNX nodes in NumPy, including shape arithmetic with symbolic dims.

Shape vectors whose entries are not all known are object arrays holding ints and symbol
strings (``["N", 16]``); Gather/Concat/Unsqueeze/Slice/Squeeze move them around unchanged,
and a Reshape consuming one resolves symbols back to 0 / -1.
"""

from __future__ import annotations

import numpy as np


def _axes(attrs, inputs, i):
    if len(inputs) > i and inputs[i] is not None:
        return [int(a) for a in np.asarray(inputs[i]).reshape(-1)]
    axes = attrs.get("axes")
    return None if axes is None else list(axes)


def _unsqueeze(x, axes):
    rank = x.ndim + len(axes)
    for a in sorted(a % rank for a in axes):
        x = np.expand_dims(x, a)
    return x


def _slice(x, ins, attrs):
    starts, ends = ins[1], ins[2]
    axes = ins[3] if len(ins) > 3 and ins[3] is not None else range(len(starts))
    steps = ins[4] if len(ins) > 4 and ins[4] is not None else [1] * len(starts)
    idx = [slice(None)] * x.ndim
    for s, e, a, st in zip(starts, ends, axes, steps, strict=True):
        idx[int(a)] = slice(int(s), int(e), int(st))
    return x[tuple(idx)]


def _where(c, a, b):
    return np.where(c, a, b)


def _range(start, limit, delta):
    return np.arange(start, limit, delta, dtype=np.asarray(start).dtype)


def _dequantize(ins, attrs):
    x, scale = ins[0], ins[1].astype(np.float32)
    zp = ins[2] if len(ins) > 2 and ins[2] is not None else np.zeros_like(scale)
    if scale.ndim == 1 and scale.size > 1:
        shape = [1] * x.ndim
        shape[attrs.get("axis", 1) % x.ndim] = -1  # per-axis parameters broadcast on axis
        scale, zp = scale.reshape(shape), zp.reshape(shape)
    return ((x.astype(np.float32) - zp.astype(np.float32)) * scale).astype(np.float32)


def _binary(fn):
    def go(ins, attrs):
        a, b = ins[0], ins[1]
        if a.dtype == object or b.dtype == object:
            if not all(isinstance(v, int | np.integer) for v in np.concatenate(
                    [a.reshape(-1), b.reshape(-1)])):
                raise ValueError("arithmetic on symbolic dims")
            a, b = a.astype(np.int64), b.astype(np.int64)
        if fn is np.divide and a.dtype.kind in "iu":
            return np.asarray(np.trunc(a / b).astype(a.dtype))
        return np.asarray(fn(a, b)).astype(np.result_type(a.dtype, b.dtype))
    return go


FOLD = {
    "Identity": lambda ins, at: ins[0],
    "Cast": lambda ins, at: ins[0] if ins[0].dtype == object else ins[0].astype(at["to"]),
    "Gather": lambda ins, at: np.take(ins[0], ins[1].astype(np.int64), axis=at.get("axis", 0)),
    "Unsqueeze": lambda ins, at: _unsqueeze(ins[0], _axes(at, ins, 1)),
    "Squeeze": lambda ins, at: (np.squeeze(ins[0]) if _axes(at, ins, 1) is None
                                else np.squeeze(ins[0], axis=tuple(_axes(at, ins, 1)))),
    "Concat": lambda ins, at: np.concatenate([np.asarray(x).reshape(x.shape or (1,))
                                              if x.ndim == 0 else x for x in ins],
                                             axis=at["axis"]),
    "Reshape": lambda ins, at: ins[0].reshape([d if d != 0 else ins[0].shape[i]
                                               for i, d in enumerate(ins[1].tolist())]),
    "Transpose": lambda ins, at: np.transpose(ins[0], at.get("perm")),
    "Slice": lambda ins, at: _slice(ins[0], ins, at),
    "Add": _binary(np.add), "Sub": _binary(np.subtract), "Mul": _binary(np.multiply),
    "Div": _binary(np.divide), "Pow": _binary(np.power),
    "Sqrt": lambda ins, at: np.sqrt(ins[0]),
    "Neg": lambda ins, at: -ins[0],
    "Equal": lambda ins, at: np.equal(ins[0], ins[1]),
    "Where": lambda ins, at: _where(*ins),
    "Expand": lambda ins, at: ins[0] * np.ones(ins[1].tolist(), ins[0].dtype),
    "ConstantOfShape": lambda ins, at: np.full(ins[0].tolist(), at["value"].reshape(-1)[0]
                                               if "value" in at else np.float32(0),
                                               dtype=at["value"].dtype if "value" in at
                                               else np.float32),
    "Range": lambda ins, at: _range(*ins),
    "DequantizeLinear": lambda ins, at: _dequantize(ins, at),
}
"""Ops evaluated at import when all their inputs are constant."""
