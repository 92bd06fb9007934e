"""Native float32 GEMM driver (fused bias + clamp): packs weights, splits M or N over threads.

Every output element is computed by one ukernel call over all of K in the same order, so
results do not depend on the thread count.
"""

from cython.parallel cimport prange
from libc.stdint cimport uint32_t

import numpy as np

from pyedge.kernels.aligned import aligned_empty

cdef extern from "pyedge/f32-gemm-table.h" nogil:
    ctypedef void (*sgemm_fn)(size_t, size_t, size_t, const float*, size_t, const float*,
                              const float*, float*, size_t, float, float) noexcept nogil
    ctypedef struct pyedge_f32_gemm_ukernel:
        const char* name
        int isa
        uint32_t mr, nr
        sgemm_fn fn
    const pyedge_f32_gemm_ukernel* pyedge_f32_gemm_table
    size_t PYEDGE_F32_GEMM_COUNT


def ukernels():
    """List the float32 GEMM ukernels compiled into this build as dicts."""
    cdef size_t i
    return [dict(index=i, name=pyedge_f32_gemm_table[i].name.decode(),
                 isa=pyedge_f32_gemm_table[i].isa, mr=pyedge_f32_gemm_table[i].mr,
                 nr=pyedge_f32_gemm_table[i].nr) for i in range(PYEDGE_F32_GEMM_COUNT)]


def pack(int nr, const float[:, ::1] w):
    """Pack w[N, K] into [N / nr][K][nr] blocks (zero padded); 64-byte aligned float32."""
    cdef size_t n = w.shape[0], k = w.shape[1], nb = (n + nr - 1) // nr, b, kk, j, row
    buf = aligned_empty(nb * nr * k, np.float32)
    cdef float[::1] v = buf
    with nogil:
        for b in range(nb):
            for kk in range(k):
                for j in range(<size_t> nr):
                    row = b * nr + j
                    v[(b * k + kk) * nr + j] = w[row, kk] if row < n else 0.0
    return buf


def gemm(int index, const float[:, ::1] a, const float[::1] packed, const float[::1] bias,
         float[:, ::1] out, float fmin, float fmax, int num_threads):
    """out[M, N] = clamp(a @ w.T + bias); arguments are validated by pyedge.kernels.sgemm."""
    cdef const pyedge_f32_gemm_ukernel* u = &pyedge_f32_gemm_table[index]
    cdef size_t m = a.shape[0], k = a.shape[1], n = out.shape[1]
    cdef size_t nblocks = (n + u.nr - 1) // u.nr, mblocks = (m + u.mr - 1) // u.mr
    cdef bint split_m = mblocks >= <size_t> (4 * num_threads) or nblocks < <size_t> num_threads
    cdef size_t units = mblocks if split_m else nblocks
    cdef Py_ssize_t nchunks = min(<size_t> num_threads, units), c
    cdef const float* bp = &bias[0] if bias is not None else NULL
    for c in prange(nchunks, nogil=True, num_threads=nchunks, schedule="static"):
        _chunk(u, c, nchunks, split_m, units, m, n, k, &a[0, 0], &packed[0], bp, &out[0, 0],
               out.strides[0] // sizeof(float), fmin, fmax)
    return out


cdef void _chunk(const pyedge_f32_gemm_ukernel* u, size_t c, size_t nchunks, bint split_m,
                 size_t units, size_t m, size_t n, size_t k, const float* a,
                 const float* packed, const float* bias, float* out, size_t ostride,
                 float fmin, float fmax) noexcept nogil:
    cdef size_t lo = units * c // nchunks, hi = units * (c + 1) // nchunks, r0, r1, n0, n1
    if lo >= hi:
        return
    if split_m:
        r0 = lo * u.mr
        r1 = min(hi * u.mr, m)
        u.fn(r1 - r0, n, k, a + r0 * k, k, packed, bias, out + r0 * ostride, ostride, fmin,
             fmax)
    else:
        n0 = lo * u.nr
        n1 = min(hi * u.nr, n)
        u.fn(m, n1 - n0, k, a, k, packed + n0 * k, bias + n0 if bias != NULL else NULL,
             out + n0, ostride, fmin, fmax)


def ukernel_address(int index):
    """Address of ukernel ``index``'s C function, for native drivers that fuse it (dwsep)."""
    return <size_t> pyedge_f32_gemm_table[index].fn
