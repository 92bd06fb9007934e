"""LinearCodebook: y = act(x @ w.T + bias), w as b-bit codebook indices.

Inputs x, indices, levels[, bias]. Attributes: bits (2/3/4), k (K, the unpacked row
length), activation / clamp as Gemm.
Runs pyedge.kernels.gemm_lut.
"""

from pyedge import kernels
from pyedge.kernels import registry
from pyedge.kernels.lut import FAMILIES
from pyedge.runtime.ops.encoded import encoded_linear
from pyedge.tensors import Codebook


def _shape(ctx, tensors):
    return tensors[0].shape[0], ctx.int_attr("k")


def _build(ctx, tensors):
    indices, levels = tensors
    enc = Codebook(indices, levels, ctx.int_attr("bits"), (indices.shape[0], ctx.int_attr("k")))
    packed = kernels.pack_lut(enc)

    def run(x, bias, out):
        kernels.gemm_lut(x, packed, bias, out=out)

    return run, registry.select(FAMILIES[enc.bits]).name


SPEC = encoded_linear(2, _shape, _build)
