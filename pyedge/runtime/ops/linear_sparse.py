"""LinearSparse: y = act(x @ w.T + bias), w CSR or BSR (x, indptr, indices, values, scale[, bias]).

``scale`` (float32 [N]) is required for int8 values and absent ("") for float32 values.
Attributes: k (K), block ([r, c]; [1, 1] is CSR), activation / clamp as Gemm. Also a 1x1
convolution on NHWC input (channels last). Runs pyedge.kernels.spmm_t.
"""

from pyedge import kernels
from pyedge.kernels import registry
from pyedge.kernels.sparse import family_of
from pyedge.runtime.ops.encoded import encoded_linear
from pyedge.tensors import BSR, CSR


def _shape(ctx, tensors):
    r, _ = ctx.ints_attr("block", [1, 1])
    return (tensors[0].shape[0] - 1) * r, ctx.int_attr("k")


def _build(ctx, tensors):
    indptr, indices, values, scale = tensors
    r, c = ctx.ints_attr("block", [1, 1])
    k = ctx.int_attr("k")
    n = (indptr.shape[0] - 1) * r
    if (r, c) == (1, 1):
        enc = CSR((n, k), indptr, indices, values, scale)
    else:
        enc = BSR((n, k), (r, c), indptr, indices, values, scale)

    def run(x, bias, out):
        kernels.spmm_t(x, enc, bias, out=out)

    return run, registry.select(family_of(enc.block, enc.values.dtype)).name


SPEC = encoded_linear(4, _shape, _build, n_required=3)
