"""The op table: op type -> the module of pyedge.runtime.ops implementing it.

Written out by hand (no registration by import magic). A module is imported the first time
a graph uses its op, so ``import pyedge.runtime`` stays cheap.
"""

from __future__ import annotations

import functools
import importlib

from pyedge.runtime.ops.spec import OpSpec

MODULES: dict[str, str] = {
    "Add": "add",
    "AveragePool": "average_pool",
    "BatchNormalization": "batch_norm",
    "Cast": "cast",
    "Clip": "clip",
    "Concat": "concat",
    "Conv": "conv",
    "ConvTranspose": "conv_transpose",
    "DequantizeLinear": "dequantize_linear",
    "Div": "div",
    "Erf": "erf",
    "Flatten": "flatten",
    "Gelu": "gelu",
    "Gemm": "gemm",
    "GlobalAveragePool": "global_average_pool",
    "HardSigmoid": "hard_sigmoid",
    "HardSwish": "hard_swish",
    "LayerNormalization": "layer_norm",
    "LeakyRelu": "leaky_relu",
    "MatMul": "matmul",
    "MaxPool": "max_pool",
    "Mul": "mul",
    "Pad": "pad",
    "Pow": "pow",
    "QConv": "qconv",
    "QGemm": "qgemm",
    "QLookup": "qlookup",
    "QuantizeLinear": "quantize_linear",
    "ReduceMean": "reduce_mean",
    "Relu": "relu",
    "Relu6": "relu6",
    "Reshape": "reshape",
    "Resize": "resize",
    "Sigmoid": "sigmoid",
    "Slice": "slice",
    "Softmax": "softmax",
    "Split": "split",
    "Sqrt": "sqrt",
    "Squeeze": "squeeze",
    "Sub": "sub",
    "Tanh": "tanh",
    "Transpose": "transpose",
    "Unsqueeze": "unsqueeze",
    "LinearCodebook": "linear_codebook",
    "LinearInt4": "linear_int4",
    "LinearSparse": "linear_sparse",
    "Linear": "gemm",  # Gemm with transB defaulting to 1 (w[N, K])
    "LayerNorm": "layer_norm",  # = LayerNormalization
    "QAdd": "qadd",
    "DynamicQuantizeLinear": "dynamic_quantize_linear",
    "MatMulInteger": "matmul_integer",
    "ConvInteger": "conv_integer",
    "QLinearSparse": "qlinear_sparse",
}


@functools.cache
def spec(op: str) -> OpSpec:
    """The OpSpec of ``op``; KeyError for an op this runtime does not know."""
    return importlib.import_module(f"pyedge.runtime.ops.{MODULES[op]}").SPEC


__all__ = ["MODULES", "OpSpec", "spec"]
