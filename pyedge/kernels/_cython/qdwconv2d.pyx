"""Native 8-bit depthwise convolution driver: weights packed per call, rows split over threads.

Each thread splits its run of output rows into groups of at most ``group`` rows of one image
and passes each group to one ukernel call with its own scratch buffer. Every output element
is computed the same way whatever the split, so results do not depend on the thread count.
Rows above or below the image are passed as NULL (the ukernels read them as the zero point).
Row pointers and scratch are allocated once per thread per call, outside the ukernel loops.
"""

from cython.parallel cimport prange
from libc.stdint cimport int8_t, int32_t, uint8_t
from libc.stdlib cimport free, malloc

import numpy as np

from pyedge.kernels.aligned import aligned_empty

cdef extern from "pyedge/qs8-dwconv2d-table.h" nogil:
    ctypedef struct pyedge_qparams:
        int32_t a_zero_point
        int32_t out_kind
        const int32_t* wsum
        const int32_t* bias
        const float* multiplier
        int32_t out_zero_point
        int32_t qmin, qmax
        float fmin, fmax
    ctypedef struct pyedge_qs8_dwconv2d_params:
        size_t kh, kw, sh, sw, dh, dw
        size_t iw, c, ow, pad_left
        uint8_t xor_in
        uint8_t zp
        pyedge_qparams q
    ctypedef void (*qdw_fn)(const uint8_t* const*, size_t, const int8_t*, void*,
                            const pyedge_qs8_dwconv2d_params*, uint8_t*) noexcept nogil
    ctypedef size_t (*scratch_fn)(const pyedge_qs8_dwconv2d_params*) noexcept nogil
    ctypedef size_t (*psize_fn)(size_t, size_t, size_t) noexcept nogil
    ctypedef void (*pack_fn)(size_t, size_t, size_t, const int8_t*, int8_t*) noexcept nogil
    ctypedef struct pyedge_qs8_dwconv2d_ukernel:
        const char* name
        int isa
        qdw_fn fn
        scratch_fn scratch_bytes
        psize_fn packed_size
        pack_fn pack
    const pyedge_qs8_dwconv2d_ukernel* pyedge_qs8_dwconv2d_table
    size_t PYEDGE_QS8_DWCONV2D_COUNT


def ukernels():
    """List the 8-bit depthwise ukernels compiled into this build as dicts."""
    cdef size_t i
    return [dict(index=i, name=pyedge_qs8_dwconv2d_table[i].name.decode(),
                 isa=pyedge_qs8_dwconv2d_table[i].isa)
            for i in range(PYEDGE_QS8_DWCONV2D_COUNT)]


def pack(int index, w):
    """Weights w[KH, KW, C] (int8) in ukernel ``index``'s layout (64-byte aligned, 1-D)."""
    cdef const pyedge_qs8_dwconv2d_ukernel* u = &pyedge_qs8_dwconv2d_table[index]
    if u.pack == NULL:
        return w.reshape(-1)
    cdef const int8_t[:, :, ::1] wv = w
    buf = aligned_empty(u.packed_size(wv.shape[0], wv.shape[1], wv.shape[2]), np.int8)
    cdef int8_t[::1] view = buf
    with nogil:
        u.pack(wv.shape[0], wv.shape[1], wv.shape[2], &wv[0, 0, 0], &view[0])
    return buf


def dwconv(int index, const uint8_t[:, :, :, ::1] x, int xor_in, int zp,
           const int8_t[::1] w_packed, int kh, int kw, const int32_t[::1] wsum,
           const int32_t[::1] bias, const float[::1] multiplier, int out_kind,
           int out_zero_point, int qmin, int qmax, uint8_t[:, :, :, ::1] out, int sh, int sw, int dh, int dw, int pad_top, int pad_left, int oy0, int group,
           int num_threads):
    """out[n, r] = output row oy0 + r of the 8-bit depthwise convolution (checked inputs;
    ``out`` is the uint8 view of a uint8 or int8 output)."""
    cdef const pyedge_qs8_dwconv2d_ukernel* u = &pyedge_qs8_dwconv2d_table[index]
    cdef pyedge_qs8_dwconv2d_params p
    p.kh = kh
    p.kw = kw
    p.sh = sh
    p.sw = sw
    p.dh = dh
    p.dw = dw
    p.iw = x.shape[2]
    p.c = x.shape[3]
    p.ow = out.shape[2]
    p.pad_left = pad_left
    p.xor_in = xor_in
    p.zp = zp
    p.q.a_zero_point = zp
    p.q.out_kind = out_kind
    p.q.wsum = &wsum[0]
    p.q.bias = &bias[0] if bias is not None else NULL
    p.q.multiplier = &multiplier[0]
    p.q.out_zero_point = out_zero_point
    p.q.qmin = qmin
    p.q.qmax = qmax
    p.q.fmin = 0
    p.q.fmax = 0
    cdef const int8_t* wp = &w_packed[0]
    cdef size_t n = x.shape[0], ih = x.shape[1], nrows = out.shape[1]
    cdef size_t units = n * nrows
    cdef Py_ssize_t nchunks = min(<size_t> num_threads, units), ch
    cdef size_t span = (group - 1) * sh + (p.kh - 1) * dh + 1
    cdef size_t sbytes = (u.scratch_bytes(&p) + 63) // 64 * 64
    cdef char* outp = <char*> &out[0, 0, 0, 0]
    cdef int failed = 0
    for ch in prange(nchunks, nogil=True, num_threads=nchunks, schedule="static"):
        failed += _chunk(u, &p, ch, nchunks, units, nrows, ih, oy0, pad_top, &x[0, 0, 0, 0],
                         wp, outp, group, span, sbytes)
    if failed:
        raise MemoryError("pyedge: no memory for the depthwise scratch buffers")
    return out


cdef int _chunk(const pyedge_qs8_dwconv2d_ukernel* u, const pyedge_qs8_dwconv2d_params* p,
                size_t ch, size_t nchunks, size_t units, size_t nrows, size_t ih, int oy0,
                int pad_top, const uint8_t* x, const int8_t* w, char* out, size_t group,
                size_t span, size_t sbytes) noexcept nogil:
    cdef size_t lo = units * ch // nchunks, hi = units * (ch + 1) // nchunks
    cdef size_t unit = lo, img, r0, r1, j, nin, rowlen = p.iw * p.c
    cdef Py_ssize_t iy, iy0
    if lo >= hi:
        return 0
    cdef const uint8_t** rows = <const uint8_t**> malloc(span * sizeof(uint8_t*))
    cdef void* raw = malloc(sbytes + 64)
    if rows == NULL or raw == NULL:
        free(rows)
        free(raw)
        return 1
    cdef uint8_t* scratch = <uint8_t*> ((<size_t> raw + 63) // 64 * 64)
    while unit < hi:  # one ukernel call per group of rows of one image
        img = unit // nrows
        r0 = unit - img * nrows
        r1 = min(nrows, r0 + hi - unit, r0 + group)
        nin = (r1 - r0 - 1) * p.sh + (p.kh - 1) * p.dh + 1
        iy0 = <Py_ssize_t> ((oy0 + r0) * p.sh) - pad_top
        for j in range(nin):
            iy = iy0 + <Py_ssize_t> j
            if iy < 0 or iy >= <Py_ssize_t> ih:
                rows[j] = NULL
            else:
                rows[j] = x + (img * ih + <size_t> iy) * rowlen
        u.fn(rows, r1 - r0, w, out + unit * p.ow * p.c, p, scratch)
        unit += r1 - r0
    free(rows)
    free(raw)
    return 0
