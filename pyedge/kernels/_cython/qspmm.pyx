"""Native integer sparse matmul driver (uint8 x int8 CSR/BSR -> qgemm epilogue) over chunks.

Chunks are contiguous block-row ranges; every output element is computed by one ukernel call
in the same order, so results do not depend on the thread count.
"""

cimport numpy as cnp
from cython.parallel cimport prange
from libc.stdint cimport int8_t, int32_t, int64_t, uint8_t, uint32_t

cnp.import_array()


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
    cdef const void* ind = <const void*> cnp.PyArray_DATA(indices)
    cdef int idx16 = indices.itemsize == 2
    cdef const int8_t* val = <const int8_t*> cnp.PyArray_DATA(values)
    cdef const uint8_t* xp = <const uint8_t*> cnp.PyArray_DATA(x)
    cdef void* yp = <void*> cnp.PyArray_DATA(out)
    cdef size_t nb = x.shape[1] if not transposed else x.shape[0]
    cdef size_t k = x.shape[1], n = out.shape[1]
    cdef size_t ldx = x.strides[0]
    cdef Py_ssize_t nchunks = bounds.shape[0] - 1, c
    cdef pyedge_qparams p
    p.a_zero_point = a_zero_point
    p.out_kind = out_kind
    p.wsum = <const int32_t*> cnp.PyArray_DATA(wsum)
    p.bias = <const int32_t*> cnp.PyArray_DATA(bias) if bias is not None else NULL
    p.multiplier = (<const float*> cnp.PyArray_DATA(multiplier)
                    if multiplier is not None else NULL)
    p.out_zero_point = out_zero_point
    p.qmin = qmin
    p.qmax = qmax
    p.fmin = fmin
    p.fmax = fmax
    if nchunks == 1:  # no OpenMP team for single-threaded calls
        with nogil:
            _chunk(u, transposed, bounds[0], bounds[1], nb, ldx, k, n, &indptr[0], ind, idx16,
                   val, xp, yp, &p)
        return out
    for c in prange(nchunks, nogil=True, num_threads=nchunks, schedule="static"):
        _chunk(u, transposed, bounds[c], bounds[c + 1], nb, ldx, k, n, &indptr[0], ind, idx16,
               val, xp, yp, &p)
    return out


cdef void _chunk(const pyedge_qs8_qc8w_spmm_ukernel* u, bint transposed, size_t br0,
                 size_t br1, size_t nb, size_t ldx, size_t k, size_t n, const int64_t* indptr,
                 const void* ind, int idx16, const int8_t* val, const uint8_t* xp, void* yp,
                 const pyedge_qparams* p) noexcept nogil:
    if br0 >= br1:
        return
    if transposed:
        u.spmm_t(br0, br1, nb, k, n, indptr, ind, idx16, val, xp, yp, p)
    else:
        u.spmm(br0, br1, nb, ldx, indptr, ind, idx16, val, xp, yp, p)
