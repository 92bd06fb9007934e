"""Native float32 sparse matmul driver: runs a table ukernel over block-row chunks.

Chunks are contiguous block-row ranges balanced by stored blocks; every output element is
computed by one ukernel call in the same order, so results do not depend on the thread count.
"""

cimport numpy as cnp
from cython.parallel cimport prange
from libc.stdint cimport int64_t, uint32_t

cnp.import_array()


cdef extern from "pyedge/f32-spmm-table.h" nogil:
    ctypedef struct pyedge_f32_minmax_params:
        const float* bias
        const float* scale
        float fmin, fmax
    ctypedef void (*spmm_fn)(size_t, size_t, size_t, size_t, const int64_t*, const void*, int,
                             const void*, const float*, float*,
                             const pyedge_f32_minmax_params*) noexcept nogil
    ctypedef void (*spmm_t_fn)(size_t, size_t, size_t, size_t, size_t, const int64_t*,
                               const void*, int, const void*, const float*, float*,
                               const pyedge_f32_minmax_params*) noexcept nogil
    ctypedef struct pyedge_f32_spmm_ukernel:
        const char* name
        int isa
        uint32_t r, c, q8
        spmm_fn spmm
        spmm_t_fn spmm_t
    const pyedge_f32_spmm_ukernel* pyedge_f32_spmm_table
    size_t PYEDGE_F32_SPMM_COUNT


def ukernels():
    """List the ukernels compiled into this build as dicts (index, name, isa, r, c, q8)."""
    cdef size_t i
    out = []
    for i in range(PYEDGE_F32_SPMM_COUNT):
        u = pyedge_f32_spmm_table[i]
        out.append(dict(index=i, name=u.name.decode(), isa=u.isa, r=u.r, c=u.c, q8=u.q8))
    return out


def run(int index, bint transposed, const int64_t[::1] indptr, indices, values, scale, x,
        bias, float fmin, float fmax, out, const int64_t[::1] bounds):
    """spmm (x[K, B] -> out[N, B]) or spmm_t (x[B, K] -> out[B, N]) over len(bounds)-1 chunks.

    Arguments are validated by pyedge.kernels.sparse; ``bounds`` are block-row chunk limits.
    For spmm, x may be a column slice of a wider row-major buffer (row stride >= B, rows
    contiguous); spmm_t needs a C-contiguous x.
    """
    cdef const pyedge_f32_spmm_ukernel* u = &pyedge_f32_spmm_table[index]
    cdef const void* ind = <const void*> cnp.PyArray_DATA(indices)
    cdef int idx16 = indices.itemsize == 2
    cdef const void* val = <const void*> cnp.PyArray_DATA(values)
    cdef const float* xp = <const float*> cnp.PyArray_DATA(x)
    cdef float* yp = <float*> cnp.PyArray_DATA(out)
    cdef size_t nb = x.shape[1] if not transposed else x.shape[0]
    cdef size_t k = x.shape[1], n = out.shape[1]
    cdef size_t ldx = x.strides[0] // 4
    cdef Py_ssize_t nchunks = bounds.shape[0] - 1, c
    cdef pyedge_f32_minmax_params p
    p.bias = <const float*> cnp.PyArray_DATA(bias) if bias is not None else NULL
    p.scale = <const float*> cnp.PyArray_DATA(scale) if scale is not None else NULL
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


cdef void _chunk(const pyedge_f32_spmm_ukernel* u, bint transposed, size_t br0, size_t br1,
                 size_t nb, size_t ldx, size_t k, size_t n, const int64_t* indptr,
                 const void* ind, int idx16, const void* val, const float* xp, float* yp,
                 const pyedge_f32_minmax_params* p) noexcept nogil:
    if br0 >= br1:
        return
    if transposed:
        u.spmm_t(br0, br1, nb, k, n, indptr, ind, idx16, val, xp, yp, p)
    else:
        u.spmm(br0, br1, nb, ldx, indptr, ind, idx16, val, xp, yp, p)


def data_address(cnp.ndarray a):
    """Address of the first element of ``a`` (cheap alignment checks for the driver)."""
    return <size_t> cnp.PyArray_DATA(a)
