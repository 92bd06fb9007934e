"""Native integer sparse matmul driver (uint8 x int8 CSR/BSR -> qgemm epilogue) over chunks.

Chunks are contiguous block-row ranges; every output element is computed by one ukernel call
in the same order, so results do not depend on the thread count.
"""

from cython.parallel cimport prange
from libc.stdint cimport int8_t, int32_t, int64_t, uint8_t, uint32_t


cdef extern from "pyedge/qs8-qc8w-spmm-table.h" nogil:
    ctypedef struct pyedge_qparams:
        int32_t a_zero_point
        int32_t out_kind
        const int32_t* wsum
        const int32_t* bias
        const float* multiplier
        int32_t out_zero_point
        int32_t qmin, qmax
        float fmin, fmax
    ctypedef void (*spmm_fn)(size_t, size_t, size_t, size_t, const int64_t*, const void*, int,
                             const int8_t*, const uint8_t*, void*,
                             const pyedge_qparams*) noexcept nogil
    ctypedef void (*spmm_t_fn)(size_t, size_t, size_t, size_t, size_t, const int64_t*,
                               const void*, int, const int8_t*, const uint8_t*, void*,
                               const pyedge_qparams*) noexcept nogil
    ctypedef struct pyedge_qs8_qc8w_spmm_ukernel:
        const char* name
        int isa
        uint32_t r, c
        spmm_fn spmm
        spmm_t_fn spmm_t
    const pyedge_qs8_qc8w_spmm_ukernel* pyedge_qs8_qc8w_spmm_table
    size_t PYEDGE_QS8_QC8W_SPMM_COUNT


def ukernels():
    """List the ukernels compiled into this build as dicts (index, name, isa, r, c)."""
    cdef size_t i
    out = []
    for i in range(PYEDGE_QS8_QC8W_SPMM_COUNT):
        u = pyedge_qs8_qc8w_spmm_table[i]
        out.append(dict(index=i, name=u.name.decode(), isa=u.isa, r=u.r, c=u.c))
    return out


def run(int index, bint transposed, const int64_t[::1] indptr, indices, values, x,
        int a_zero_point, wsum, bias, multiplier, int out_kind, int out_zero_point, int qmin,
        int qmax, float fmin, float fmax, out, const int64_t[::1] bounds):
    """spmm (x[K, B] -> out[N, B]) or spmm_t (x[B, K] -> out[B, N]); validated by
    pyedge.kernels.qsparse. ``bounds`` are block-row chunk limits."""
    cdef const pyedge_qs8_qc8w_spmm_ukernel* u = &pyedge_qs8_qc8w_spmm_table[index]
    cdef const void* ind = <const void*> <size_t> indices.ctypes.data
    cdef int idx16 = indices.itemsize == 2
    cdef const int8_t* val = <const int8_t*> <size_t> values.ctypes.data
    cdef const uint8_t* xp = <const uint8_t*> <size_t> x.ctypes.data
    cdef void* yp = <void*> <size_t> out.ctypes.data
    cdef size_t nb = x.shape[1] if not transposed else x.shape[0]
    cdef size_t k = x.shape[1], n = out.shape[1]
    cdef size_t ldx = x.strides[0]
    cdef Py_ssize_t nchunks = bounds.shape[0] - 1, c
    cdef pyedge_qparams p
    p.a_zero_point = a_zero_point
    p.out_kind = out_kind
    p.wsum = <const int32_t*> <size_t> wsum.ctypes.data
    p.bias = <const int32_t*> <size_t> bias.ctypes.data if bias is not None else NULL
    p.multiplier = (<const float*> <size_t> multiplier.ctypes.data
                    if multiplier is not None else NULL)
    p.out_zero_point = out_zero_point
    p.qmin = qmin
    p.qmax = qmax
    p.fmin = fmin
    p.fmax = fmax
    for c in prange(nchunks, nogil=True, num_threads=nchunks, schedule="static"):
        if bounds[c] < bounds[c + 1]:
            if transposed:
                u.spmm_t(bounds[c], bounds[c + 1], nb, k, n, &indptr[0], ind, idx16, val, xp,
                         yp, &p)
            else:
                u.spmm(bounds[c], bounds[c + 1], nb, ldx, &indptr[0], ind, idx16, val, xp, yp,
                       &p)
    return out
