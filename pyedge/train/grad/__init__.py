"""Reverse-mode rules for the runtime's float ops: op type -> GradOp (written out by hand).

A rule's ``forward(xs, attrs, need)`` returns ``(y, saved)``; ``backward(saved, gy, need)``
returns one gradient (or None) per input, where ``need[i]`` says whether input ``i`` wants one.
Both work in float32 (native kernels where they help) and float64 (gradient checks).
"""

from __future__ import annotations

from pyedge.train.grad import activations, conv, dense, elementwise, norm, pool, shape
from pyedge.train.grad.rule import GradOp

RULES: dict[str, GradOp] = {
    "Conv": conv.CONV,
    "Gemm": dense.GEMM,
    "Linear": dense.LINEAR,
    "MatMul": dense.MATMUL,
    "Add": elementwise.ADD,
    "Sub": elementwise.SUB,
    "Mul": elementwise.MUL,
    "Relu": activations.RELU,
    "Relu6": activations.RELU6,
    "HardSwish": activations.HARD_SWISH,
    "Sigmoid": activations.SIGMOID,
    "Tanh": activations.TANH,
    "Gelu": activations.GELU,
    "MaxPool": pool.MAX_POOL,
    "AveragePool": pool.AVERAGE_POOL,
    "GlobalAveragePool": pool.GLOBAL_AVERAGE_POOL,
    "Softmax": norm.SOFTMAX,
    "LayerNormalization": norm.LAYER_NORM,
    "LayerNorm": norm.LAYER_NORM,
    "Reshape": shape.RESHAPE,
    "Flatten": shape.FLATTEN,
    "Transpose": shape.TRANSPOSE,
    "Concat": shape.CONCAT,
}

__all__ = ["RULES", "GradOp"]
