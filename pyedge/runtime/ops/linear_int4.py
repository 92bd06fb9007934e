"""LinearInt4: y = act(x @ w.T + bias), w grouped int4 (inputs x, q, scale[, bias]).

Attributes: group_size (32/64/128), activations ("f32" float activations, or "qd8" dynamic
int8 activations), activation / clamp as Gemm. Runs pyedge.kernels.gemm_qc4w.
"""

from pyedge import kernels
from pyedge.kernels import registry
from pyedge.kernels.qc4w import ACTIVATIONS
from pyedge.runtime.ops.encoded import encoded_linear
from pyedge.tensors import Int4Grouped


def _shape(ctx, tensors):
    q = tensors[0]
    return q.shape[0], 2 * q.shape[1]


def _build(ctx, tensors):
    q, scale = tensors
    enc = Int4Grouped(q, scale, ctx.int_attr("group_size"))
    acts = ctx.attr("activations", "f32", str)
    if acts not in ("f32", "qd8"):
        raise ValueError(f"activations must be 'f32' or 'qd8', got {acts!r}")
    packed = kernels.pack_qc4w(enc)

    def run(x, bias, out):
        kernels.gemm_qc4w(x, packed, bias, acts, out=out)

    return run, registry.select(ACTIVATIONS[acts]).name


SPEC = encoded_linear(2, _shape, _build)
