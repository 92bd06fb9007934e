"""Native INT8 GEMM driver: packs weights and runs a table ukernel over thread chunks.

Chunks split M (rows, multiples of mr) when there are enough rows, else N (multiples of nr);
every output element is computed by one ukernel call in the same order, so results do not
depend on the thread count.
"""

cimport numpy as cnp
from cython.parallel cimport prange
from libc.stdint cimport int8_t, int32_t, uint8_t, uint32_t
from libc.stdlib cimport free
from libc.string cimport memcpy, memset

cdef extern from "<stdlib.h>" nogil:
    void* aligned_alloc(size_t alignment, size_t size)

import numpy as np

cnp.import_array()

cdef extern from "pyedge/common.h" nogil:
    enum: PYEDGE_ISA_AMX

cdef extern from "pyedge/cpuinfo.h" nogil:
    ctypedef struct pyedge_cpu_info:
        int amx_permitted
    void pyedge_cpu_features(pyedge_cpu_info* info)

cdef extern from "pyedge/qs8-qc8w-gemm-table.h" nogil:
    ctypedef struct pyedge_qparams:
        int32_t a_zero_point
        int32_t out_kind
        const int32_t* wsum
        const int32_t* bias
        const float* multiplier
        int32_t out_zero_point
        int32_t qmin, qmax
        float fmin, fmax
    ctypedef void (*gemm_fn)(size_t, size_t, size_t, const uint8_t*, size_t, const int8_t*,
                             const pyedge_qparams*, void*, size_t) noexcept nogil
    ctypedef struct pyedge_qs8_qc8w_gemm_ukernel:
        const char* name
        int isa
        uint32_t mr, nr, kr, kc, min_m
        gemm_fn fn
    const pyedge_qs8_qc8w_gemm_ukernel* pyedge_qs8_qc8w_gemm_table
    size_t PYEDGE_QS8_QC8W_GEMM_COUNT
    void pyedge_qs8_qc8w_pack(size_t n, size_t k, uint32_t nr, uint32_t kr, uint32_t kc,
                              const int8_t* w, int8_t* out)

from pyedge.kernels.aligned import aligned_empty

cdef bint _amx_ready = False


cdef int _require_amx() except -1:
    """Request the AMX tile state for this process once (the registry normally has already)."""
    global _amx_ready
    cdef pyedge_cpu_info info
    if not _amx_ready:
        pyedge_cpu_features(&info)
        if not info.amx_permitted:
            raise RuntimeError("AMX kernel requested but the OS refused the AMX tile state")
        _amx_ready = True
    return 0


def ukernels():
    """List the ukernels compiled into this build as dicts (index, name, isa, tiles, min_m)."""
    cdef size_t i
    out = []
    for i in range(PYEDGE_QS8_QC8W_GEMM_COUNT):
        u = pyedge_qs8_qc8w_gemm_table[i]
        out.append(dict(index=i, name=u.name.decode(), isa=u.isa, mr=u.mr, nr=u.nr, kr=u.kr,
                        kc=u.kc, min_m=u.min_m))
    return out


def pack(int index, const int8_t[:, ::1] w):
    """Pack w[N, K] for ukernel ``index``; returns a 64-byte aligned int8 buffer."""
    cdef const pyedge_qs8_qc8w_gemm_ukernel* u = &pyedge_qs8_qc8w_gemm_table[index]
    cdef size_t n = w.shape[0], k = w.shape[1]
    cdef size_t kpad = (k + u.kc - 1) // u.kc * u.kc
    cdef size_t nbytes = (n + u.nr - 1) // u.nr * u.nr * kpad
    buf = aligned_empty(nbytes, np.int8)
    cdef int8_t[::1] view = buf
    with nogil:
        pyedge_qs8_qc8w_pack(n, k, u.nr, u.kr, u.kc, &w[0, 0], &view[0])
    return buf


def gemm(int index, const uint8_t[:, ::1] a, int a_zero_point, const int8_t[::1] packed,
         const int32_t[::1] wsum, const int32_t[::1] bias, const float[::1] multiplier,
         int out_kind, int out_zero_point, int qmin, int qmax, float fmin, float fmax,
         cnp.ndarray out, int num_threads):
    """out[M, N] = epilogue(a @ w.T); arguments are validated by pyedge.kernels.qgemm."""
    cdef const pyedge_qs8_qc8w_gemm_ukernel* u = &pyedge_qs8_qc8w_gemm_table[index]
    cdef size_t m = a.shape[0], k = a.shape[1], n = wsum.shape[0]
    cdef size_t kpad = (k + u.kc - 1) // u.kc * u.kc
    cdef size_t elsize = out.itemsize
    cdef char* outp = <char*> cnp.PyArray_DATA(out)
    cdef size_t nblocks = (n + u.nr - 1) // u.nr
    cdef size_t mblocks = (m + u.mr - 1) // u.mr
    cdef bint split_m = mblocks >= <size_t> (4 * num_threads) or nblocks < <size_t> num_threads
    cdef size_t units = mblocks if split_m else nblocks
    cdef Py_ssize_t nchunks = min(<size_t> num_threads, units), c
    if u.isa == PYEDGE_ISA_AMX:
        _require_amx()
    cdef const uint8_t* ap = &a[0, 0]
    cdef size_t a_stride = k, i
    cdef uint8_t* a_copy = NULL
    if u.isa == PYEDGE_ISA_AMX and n >= 128 and ((<size_t> ap) % 64 != 0 or k % 64 != 0):
        # AMX tile rows are 64-byte loads: rows split over two cache lines cost up to 1.5x
        # (measured), so rows read once per 32 channels are first copied to aligned rows.
        a_stride = (k + 63) // 64 * 64
        a_copy = <uint8_t*> aligned_alloc(64, m * a_stride)
        if a_copy == NULL:
            raise MemoryError(f"qgemm: no memory for {m} x {a_stride} aligned activations")
        with nogil:
            for i in range(m):
                memcpy(a_copy + i * a_stride, ap + i * k, k)
                memset(a_copy + i * a_stride + k, 0, a_stride - k)
        ap = a_copy
    cdef pyedge_qparams base
    base.a_zero_point = a_zero_point
    base.out_kind = out_kind
    base.wsum = &wsum[0]
    base.bias = &bias[0] if bias is not None else NULL
    base.multiplier = &multiplier[0] if multiplier is not None else NULL
    base.out_zero_point = out_zero_point
    base.qmin = qmin
    base.qmax = qmax
    base.fmin = fmin
    base.fmax = fmax
    if nchunks == 1:  # no OpenMP region for one thread (saves its start-up per call)
        with nogil:
            _chunk(u, &base, 0, 1, split_m, units, m, n, k, kpad, ap, a_stride, &packed[0],
                   outp, elsize)
    else:
        for c in prange(nchunks, nogil=True, num_threads=nchunks, schedule="static"):
            _chunk(u, &base, c, nchunks, split_m, units, m, n, k, kpad, ap, a_stride,
                   &packed[0], outp, elsize)
    free(a_copy)
    return out


cdef void _chunk(const pyedge_qs8_qc8w_gemm_ukernel* u, const pyedge_qparams* base,
                 size_t c, size_t nchunks, bint split_m, size_t units, size_t m, size_t n,
                 size_t k, size_t kpad, const uint8_t* a, size_t a_stride,
                 const int8_t* packed, char* out, size_t elsize) noexcept nogil:
    cdef size_t lo = units * c // nchunks, hi = units * (c + 1) // nchunks
    cdef pyedge_qparams p = base[0]
    cdef size_t r0, r1, n0, n1
    if lo >= hi:
        return
    if split_m:
        r0 = lo * u.mr
        r1 = min(hi * u.mr, m)
        u.fn(r1 - r0, n, k, a + r0 * a_stride, a_stride, packed, &p, out + r0 * n * elsize, n)
    else:
        n0 = lo * u.nr
        n1 = min(hi * u.nr, n)
        p.wsum = base.wsum + n0
        if base.bias != NULL:
            p.bias = base.bias + n0
        if base.multiplier != NULL:
            p.multiplier = base.multiplier + n0
        u.fn(m, n1 - n0, k, a, a_stride, packed + lo * u.nr * kpad, &p, out + n0 * elsize, n)
