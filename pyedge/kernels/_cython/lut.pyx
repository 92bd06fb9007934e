"""Native codebook GEMM driver: runs a table ukernel over thread chunks of rows or channels.

Every output element is computed by the same ukernel code in the same order whatever the
chunking, so results do not depend on the thread count.
"""

from cython.parallel cimport prange
from libc.stdint cimport uint8_t, uint32_t

cdef extern from "pyedge/f32-lut-gemm-table.h" nogil:
    ctypedef void (*pyedge_f32_lut_gemm_fn)(size_t, size_t, size_t, size_t, const float*,
                                            size_t, const uint8_t*, const float*, const float*,
                                            float*, size_t) noexcept nogil
    ctypedef struct pyedge_f32_lut_gemm_ukernel:
        const char* name
        int isa
        uint32_t bits, lanes, mr, nr, min_m
        pyedge_f32_lut_gemm_fn fn
    const pyedge_f32_lut_gemm_ukernel* pyedge_f32_lut_gemm_table
    size_t PYEDGE_F32_LUT_GEMM_COUNT


def ukernels():
    """List the ukernels compiled into this build as dicts (index, name, isa, bits, lanes)."""
    cdef size_t i
    out = []
    for i in range(PYEDGE_F32_LUT_GEMM_COUNT):
        u = pyedge_f32_lut_gemm_table[i]
        out.append(dict(index=i, name=u.name.decode(), isa=u.isa, bits=u.bits,
                        lanes=u.lanes, mr=u.mr, nr=u.nr, min_m=u.min_m))
    return out


def wstride(int index, size_t k):
    """Bytes per output channel of ukernel ``index``'s packed index layout."""
    u = pyedge_f32_lut_gemm_table[index]
    if u.lanes == 0:
        return (k * u.bits + 7) // 8
    if u.lanes == 1:
        return (k + 7) // 8 * 4
    cdef size_t kb = u.lanes * (32 // u.bits)
    return (k + kb - 1) // kb * 4 * u.lanes


def gemm(int index, const float[:, ::1] x, const uint8_t[::1] w, const float[:, ::1] levels,
         const float[::1] bias, float[:, ::1] out, int num_threads):
    """out = x @ levels[idx].T (+ bias); arguments are validated by pyedge.kernels.lut."""
    cdef const pyedge_f32_lut_gemm_ukernel* u = &pyedge_f32_lut_gemm_table[index]
    cdef size_t m = x.shape[0], k = x.shape[1], n = out.shape[1]
    cdef size_t ws = wstride(index, k)
    cdef size_t unit = 32  # channel blocks of every layout divide it
    cdef size_t nunits = (n + unit - 1) // unit
    cdef bint split_m = m >= <size_t> (4 * num_threads) or nunits < <size_t> num_threads
    cdef size_t units = m if split_m else nunits
    cdef Py_ssize_t nchunks = min(<size_t> num_threads, units), c
    cdef const float* bp = &bias[0] if bias is not None else NULL
    cdef size_t lo, hi, n0, n1
    for c in prange(nchunks, nogil=True, num_threads=nchunks, schedule="static"):
        lo = units * c // nchunks
        hi = units * (c + 1) // nchunks
        if lo < hi:
            if split_m:
                u.fn(hi - lo, n, k, u.bits, &x[lo, 0], k, &w[0], &levels[0, 0], bp,
                     &out[lo, 0], n)
            else:
                n0 = lo * unit
                n1 = min(hi * unit, n)
                u.fn(m, n1 - n0, k, u.bits, &x[0, 0], k, &w[n0 * ws], &levels[n0, 0],
                     bp + n0 if bp != NULL else NULL, &out[0, n0], n)
    return out
