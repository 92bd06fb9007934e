"""Native float32 depthwise convolution driver: output rows split over threads.

Each thread splits its run of output rows into groups of at most ``group`` rows of one image
and passes each group to one ukernel call (channel blocks outermost inside it, so a block's
input lines are reused from L1; the group size keeps the group's input rows in L2). Every output element is computed the same way whatever the split, so
results do not depend on the thread count. Rows above or below the image point at a
caller-provided zero row.
"""

from cython.parallel cimport prange
from libc.stdint cimport uint32_t
from libc.stdlib cimport calloc, free, malloc


cdef extern from "pyedge/f32-dwconv2d-table.h" nogil:
    ctypedef struct pyedge_f32_dwconv2d_params:
        size_t kh, kw, sh, sw, dh, dw
        size_t iw, c, ow, pad_left
        float min, max
    ctypedef void (*dw_fn)(const float* const*, size_t, const float*, const float*, float*,
                           const pyedge_f32_dwconv2d_params*) noexcept nogil
    ctypedef struct pyedge_f32_dwconv2d_ukernel:
        const char* name
        const char* family
        int isa
        uint32_t kh, kw, sh, sw
        dw_fn fn
    const pyedge_f32_dwconv2d_ukernel* pyedge_f32_dwconv2d_table
    size_t PYEDGE_F32_DWCONV2D_COUNT


def ukernels():
    """List the depthwise ukernels compiled into this build as dicts."""
    cdef size_t i
    out = []
    for i in range(PYEDGE_F32_DWCONV2D_COUNT):
        u = pyedge_f32_dwconv2d_table[i]
        out.append(dict(index=i, name=u.name.decode(), family=u.family.decode(), isa=u.isa,
                        kh=u.kh, kw=u.kw, sh=u.sh, sw=u.sw))
    return out


def dwconv(int index, const float[:, :, :, ::1] x, const float[:, :, ::1] w,
           const float[::1] bias, float[:, :, :, ::1] out, int sh, int sw, int dh, int dw,
           int pad_top, int pad_left, float fmin, float fmax, int oy0, int group,
           int num_threads):
    """out[n, r] = output row oy0 + r of the depthwise convolution; validated by the caller."""
    cdef const pyedge_f32_dwconv2d_ukernel* u = &pyedge_f32_dwconv2d_table[index]
    cdef pyedge_f32_dwconv2d_params p
    p.kh = w.shape[0]
    p.kw = w.shape[1]
    p.sh = sh
    p.sw = sw
    p.dh = dh
    p.dw = dw
    p.iw = x.shape[2]
    p.c = x.shape[3]
    p.ow = out.shape[2]
    p.pad_left = pad_left
    p.min = fmin
    p.max = fmax
    cdef size_t n = x.shape[0], ih = x.shape[1], nrows = out.shape[1]
    cdef size_t units = n * nrows
    cdef Py_ssize_t nchunks = min(<size_t> num_threads, units), ch
    cdef int failed = 0
    for ch in prange(nchunks, nogil=True, num_threads=nchunks, schedule="static"):
        failed += _chunk(u, &p, ch, nchunks, units, nrows, ih, oy0, pad_top, &x[0, 0, 0, 0],
                         &w[0, 0, 0], &bias[0], &out[0, 0, 0, 0], group)
    if failed:
        raise MemoryError("pyedge: no memory for the depthwise row pointers")
    return out


cdef int _chunk(const pyedge_f32_dwconv2d_ukernel* u, const pyedge_f32_dwconv2d_params* p,
                size_t ch, size_t nchunks, size_t units, size_t nrows, size_t ih, int oy0,
                int pad_top, const float* x, const float* w, const float* bias, float* out,
                size_t group) noexcept nogil:
    cdef size_t lo = units * ch // nchunks, hi = units * (ch + 1) // nchunks
    cdef size_t unit = lo, img, r0, r1, j, nin, rowlen = p.iw * p.c
    cdef size_t span = (group - 1) * p.sh + (p.kh - 1) * p.dh + 1
    cdef Py_ssize_t iy, iy0
    if lo >= hi:
        return 0
    cdef const float** rows = <const float**> malloc(span * sizeof(float*))
    cdef float* zero_row = <float*> calloc(rowlen, sizeof(float))
    if rows == NULL or zero_row == NULL:
        free(rows)
        free(zero_row)
        return 1
    while unit < hi:  # one ukernel call per group of rows of one image
        img = unit // nrows
        r0 = unit - img * nrows
        r1 = min(nrows, r0 + hi - unit, r0 + group)
        nin = (r1 - r0 - 1) * p.sh + (p.kh - 1) * p.dh + 1
        iy0 = <Py_ssize_t> ((oy0 + r0) * p.sh) - pad_top
        for j in range(nin):
            iy = iy0 + <Py_ssize_t> j
            if iy < 0 or iy >= <Py_ssize_t> ih:
                rows[j] = zero_row
            else:
                rows[j] = x + (img * ih + <size_t> iy) * rowlen
        u.fn(rows, r1 - r0, w, bias, out + unit * p.ow * p.c, p)
        unit += r1 - r0
    free(rows)
    free(zero_row)
    return 0


ctypedef void (*gemm_fn)(size_t, size_t, size_t, const float*, size_t, const float*,
                         const float*, float*, size_t, float, float) noexcept nogil


def fused(int index, const float[:, :, :, ::1] x, const float[::1] w, const float[::1] bias,
          int kh, int kw, int sh, int sw, int dh, int dw, int pad_top, int pad_left,
          float fmin, float fmax, size_t gemm_address, const float[::1] w_pw,
          const float[::1] b_pw, float pmin, float pmax, float[:, :, :, ::1] out, int oh,
          int ow, int tile_rows, int num_threads):
    """Depthwise rows into a per-thread tile, then the pointwise GEMM ukernel at
    ``gemm_address`` on the tile (fused depthwise-separable block; checked inputs)."""
    cdef const pyedge_f32_dwconv2d_ukernel* u = &pyedge_f32_dwconv2d_table[index]
    cdef gemm_fn gemm = <gemm_fn> gemm_address
    cdef pyedge_f32_dwconv2d_params p
    p.kh = kh
    p.kw = kw
    p.sh = sh
    p.sw = sw
    p.dh = dh
    p.dw = dw
    p.iw = x.shape[2]
    p.c = x.shape[3]
    p.ow = ow
    p.pad_left = pad_left
    p.min = fmin
    p.max = fmax
    cdef size_t n = x.shape[0], ih = x.shape[1], cout = out.shape[3]
    cdef size_t ntiles = (oh + tile_rows - 1) // tile_rows, units = n * ntiles
    cdef Py_ssize_t nchunks = min(<size_t> num_threads, units), ch
    cdef const float* bp = &b_pw[0] if b_pw is not None else NULL
    cdef int failed = 0
    for ch in prange(nchunks, nogil=True, num_threads=nchunks, schedule="static"):
        failed += _fused_chunk(u, &p, gemm, ch, nchunks, units, ntiles, tile_rows, oh, ih,
                               pad_top, &x[0, 0, 0, 0], &w[0], &bias[0], &w_pw[0], bp, pmin,
                               pmax, cout, &out[0, 0, 0, 0])
    if failed:
        raise MemoryError("pyedge: no memory for the fused depthwise-separable tiles")
    return out


cdef int _fused_chunk(const pyedge_f32_dwconv2d_ukernel* u,
                      const pyedge_f32_dwconv2d_params* p, gemm_fn gemm, size_t ch,
                      size_t nchunks, size_t units, size_t ntiles, size_t tile_rows,
                      size_t oh, size_t ih, int pad_top, const float* x, const float* w,
                      const float* bias, const float* w_pw, const float* b_pw, float pmin,
                      float pmax, size_t cout, float* out) noexcept nogil:
    cdef size_t lo = units * ch // nchunks, hi = units * (ch + 1) // nchunks
    cdef size_t unit, img, r0, r1, j, nin, rowlen = p.iw * p.c
    cdef size_t span = (tile_rows - 1) * p.sh + (p.kh - 1) * p.dh + 1
    cdef Py_ssize_t iy, iy0
    if lo >= hi:
        return 0
    cdef const float** rows = <const float**> malloc(span * sizeof(float*))
    cdef float* tile = <float*> malloc(tile_rows * p.ow * p.c * sizeof(float))
    cdef float* zero_row = <float*> calloc(rowlen, sizeof(float))
    if rows == NULL or tile == NULL or zero_row == NULL:
        free(rows)
        free(tile)
        free(zero_row)
        return 1
    for unit in range(lo, hi):
        img = unit // ntiles
        r0 = (unit - img * ntiles) * tile_rows
        r1 = min(oh, r0 + tile_rows)
        nin = (r1 - r0 - 1) * p.sh + (p.kh - 1) * p.dh + 1
        iy0 = <Py_ssize_t> (r0 * p.sh) - pad_top
        for j in range(nin):
            iy = iy0 + <Py_ssize_t> j
            if iy < 0 or iy >= <Py_ssize_t> ih:
                rows[j] = zero_row
            else:
                rows[j] = x + (img * ih + <size_t> iy) * rowlen
        u.fn(rows, r1 - r0, w, bias, tile, p)
        gemm((r1 - r0) * p.ow, cout, p.c, tile, p.c, w_pw, b_pw,
             out + (img * oh + r0) * p.ow * cout, cout, pmin, pmax)
    free(rows)
    free(tile)
    free(zero_row)
    return 0
