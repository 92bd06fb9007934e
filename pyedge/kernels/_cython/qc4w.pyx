"""Native grouped-INT4 GEMM driver (f32 and qd8 activations) over thread chunks.

Chunks split M (rows) when there are enough rows, else N (in multiples of the layout's channel
block); every output element is computed by the same ukernel code in the same order, so
results do not depend on the thread count.
"""

from cython.parallel cimport prange
from libc.stdint cimport int8_t, int32_t, uint8_t, uint32_t

import numpy as np

cdef extern from "pyedge/qc4w-gemm-table.h" nogil:
    ctypedef void (*pyedge_f32_qc4w_gemm_fn)(size_t, size_t, size_t, size_t, const float*, size_t,
                            const uint8_t*, const float*, const float*, float*,
                            size_t) noexcept nogil
    ctypedef void (*pyedge_qd8_f32_qc4w_gemm_fn)(size_t, size_t, size_t, size_t, const int8_t*, const int32_t*,
                            const float*, const uint8_t*, const void*, const float*, float*,
                            size_t) noexcept nogil
    ctypedef struct pyedge_qc4w_gemm_ukernel:
        const char* name
        int isa
        int qd8
        int layout
        uint32_t mr, nr, kb, cb, min_m
        void* fn
    const pyedge_qc4w_gemm_ukernel* pyedge_qc4w_gemm_table
    size_t PYEDGE_QC4W_GEMM_COUNT
    void pyedge_qd8_quantize_rows(size_t m, size_t k, size_t group, const float* x,
                                  size_t x_stride, int8_t* xq, int32_t* xsum, float* sx)

LAYOUTS = ("canonical", "k16x8", "k8x8", "c16k8", "c64k8", "k8c16")


def ukernels():
    """List the ukernels compiled into this build as dicts (index, name, isa, qd8, layout...)."""
    cdef size_t i
    out = []
    for i in range(PYEDGE_QC4W_GEMM_COUNT):
        u = pyedge_qc4w_gemm_table[i]
        out.append(dict(index=i, name=u.name.decode(), isa=u.isa, qd8=bool(u.qd8),
                        layout=LAYOUTS[u.layout], mr=u.mr, nr=u.nr, kb=u.kb, cb=u.cb,
                        min_m=u.min_m))
    return out


cdef inline size_t _kpad(size_t k, size_t kb, size_t group) noexcept nogil:
    cdef size_t q = kb if kb > group else group
    return (k + q - 1) // q * q


def gemm_f32(int index, const float[:, ::1] x, const uint8_t[::1] w, const float[::1] scale,
             const float[::1] bias, float[:, ::1] out, int group, int num_threads):
    """out = x @ dequant(w).T (+ bias); arguments are validated by pyedge.kernels.qc4w."""
    cdef const pyedge_qc4w_gemm_ukernel* u = &pyedge_qc4w_gemm_table[index]
    cdef pyedge_f32_qc4w_gemm_fn fn = <pyedge_f32_qc4w_gemm_fn> u.fn
    cdef size_t m = x.shape[0], k = x.shape[1], n = out.shape[1], g = group
    cdef size_t kpad = _kpad(k, u.kb, g)
    cdef size_t unit = 4 * u.cb
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
                fn(hi - lo, n, k, g, &x[lo, 0], k, &w[0], &scale[0], bp, &out[lo, 0], n)
            else:
                n0 = lo * unit
                n1 = min(hi * unit, n)
                fn(m, n1 - n0, k, g, &x[0, 0], k, &w[n0 * (kpad // 2)],
                   &scale[n0 * (kpad // g)], bp + n0 if bp != NULL else NULL, &out[0, n0], n)
    return out


def gemm_qd8(int index, const float[:, ::1] x, const uint8_t[::1] w, scale,
             const float[::1] bias, float[:, ::1] out, int group, int num_threads):
    """Quantize x rows to int8, then out = sx * sum_g s * (xq . q) (+ bias); see qc4w-gemm.h."""
    cdef const pyedge_qc4w_gemm_ukernel* u = &pyedge_qc4w_gemm_table[index]
    cdef pyedge_qd8_f32_qc4w_gemm_fn fn = <pyedge_qd8_f32_qc4w_gemm_fn> u.fn
    cdef size_t m = x.shape[0], k = x.shape[1], n = out.shape[1], g = group
    cdef size_t kpad = _kpad(k, u.kb, g), ngroups = k // g
    cdef size_t ssize = scale.itemsize
    cdef const char* sp = <const char*> <size_t> scale.ctypes.data
    xq_arr = np.empty((m, k), dtype=np.int8)
    xs_arr = np.empty((m, ngroups), dtype=np.int32)
    sx_arr = np.empty(m, dtype=np.float32)
    cdef int8_t[:, ::1] xq = xq_arr
    cdef int32_t[:, ::1] xs = xs_arr
    cdef float[::1] sx = sx_arr
    cdef size_t unit = 4 * u.cb
    cdef size_t nunits = (n + unit - 1) // unit
    cdef bint split_m = m >= <size_t> (4 * num_threads) or nunits < <size_t> num_threads
    cdef size_t units = m if split_m else nunits
    cdef Py_ssize_t nchunks = min(<size_t> num_threads, units), c
    cdef Py_ssize_t qchunks = min(<size_t> num_threads, m)
    cdef const float* bp = &bias[0] if bias is not None else NULL
    cdef size_t lo, hi, n0, n1
    for c in prange(qchunks, nogil=True, num_threads=qchunks, schedule="static"):
        lo = m * c // qchunks
        hi = m * (c + 1) // qchunks
        if lo < hi:
            pyedge_qd8_quantize_rows(hi - lo, k, g, &x[lo, 0], k, &xq[lo, 0], &xs[lo, 0],
                                     &sx[lo])
    for c in prange(nchunks, nogil=True, num_threads=nchunks, schedule="static"):
        lo = units * c // nchunks
        hi = units * (c + 1) // nchunks
        if lo < hi:
            if split_m:
                fn(hi - lo, n, k, g, &xq[lo, 0], &xs[lo, 0], &sx[lo], &w[0], sp, bp,
                   &out[lo, 0], n)
            else:
                n0 = lo * unit
                n1 = min(hi * unit, n)
                fn(m, n1 - n0, k, g, &xq[0, 0], &xs[0, 0], &sx[0], &w[n0 * (kpad // 2)],
                   sp + n0 * (kpad // g) * ssize, bp + n0 if bp != NULL else NULL,
                   &out[0, n0], n)
    return out
