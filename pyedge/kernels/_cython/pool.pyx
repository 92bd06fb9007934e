"""Native pooling driver: output rows split over threads, one ukernel call per output pixel.

For each output pixel the driver lists the real input pixels of its window (padding taps are
left out) and passes them to the ukernel; every pixel is computed the same way whatever the
split, so results do not depend on the thread count.
"""

from cython.parallel cimport prange
from libc.stdint cimport int32_t, uint8_t, uint32_t
from libc.stdlib cimport free, malloc


ctypedef void (*pool_fn)(const void* const*, size_t, size_t, uint32_t, int32_t*,
                         void*) noexcept nogil


cdef extern from "pyedge/pool-table.h" nogil:
    ctypedef struct pyedge_pool_ukernel:
        const char* name
        const char* family
        int isa
        pool_fn fn
    const pyedge_pool_ukernel* pyedge_pool_table
    size_t PYEDGE_POOL_COUNT


def ukernels():
    """List the pooling ukernels compiled into this build as dicts."""
    cdef size_t i
    out = []
    for i in range(PYEDGE_POOL_COUNT):
        u = pyedge_pool_table[i]
        out.append(dict(index=i, name=u.name.decode(), family=u.family.decode(), isa=u.isa))
    return out


def pool(int index, const uint8_t[:, :, :, ::1] x, uint8_t[:, :, :, ::1] out, int esize,
         int kh, int kw, int sh, int sw, int pt, int pl, int include_pad, int num_threads):
    """Pool ``x`` into ``out`` (both viewed as bytes, ``esize`` bytes per element).

    Preconditions (checked in Python): every window holds at least one real pixel; N, C >= 1.
    """
    cdef const pyedge_pool_ukernel* u = &pyedge_pool_table[index]
    cdef size_t n = x.shape[0], oh = out.shape[1]
    cdef size_t units = n * oh
    cdef Py_ssize_t nchunks = min(<size_t> num_threads, units), ch
    cdef int failed = 0
    for ch in prange(nchunks, nogil=True, num_threads=nchunks, schedule="static"):
        failed += _chunk(u.fn, ch, nchunks, units, &x[0, 0, 0, 0], x.shape[1], x.shape[2],
                         &out[0, 0, 0, 0], oh, out.shape[2], out.shape[3], esize, kh, kw, sh,
                         sw, pt, pl, include_pad)
    if failed:
        raise MemoryError("pyedge: no memory for the pooling tap pointers")
    return out


cdef int _chunk(pool_fn fn, size_t ch, size_t nchunks, size_t units, const uint8_t* x,
                Py_ssize_t ih, Py_ssize_t iw, uint8_t* out, size_t oh, size_t ow, size_t cb,
                size_t esize, Py_ssize_t kh, Py_ssize_t kw, Py_ssize_t sh, Py_ssize_t sw,
                Py_ssize_t pt, Py_ssize_t pl, int include_pad) noexcept nogil:
    cdef size_t lo = units * ch // nchunks, hi = units * (ch + 1) // nchunks
    cdef size_t unit, img, oy, ox, ntaps, c = cb // esize
    cdef Py_ssize_t iy0, ix0, y, xx, y_lo, y_hi, x_lo, x_hi
    if lo >= hi:
        return 0
    cdef const void** taps = <const void**> malloc(kh * kw * sizeof(void*))
    cdef int32_t* acc = <int32_t*> malloc(c * sizeof(int32_t))
    if taps == NULL or acc == NULL:
        free(taps)
        free(acc)
        return 1
    for unit in range(lo, hi):
        img = unit // oh
        oy = unit - img * oh
        iy0 = <Py_ssize_t> oy * sh - pt
        y_lo = max(iy0, 0)
        y_hi = min(iy0 + kh, ih)
        for ox in range(ow):
            ix0 = <Py_ssize_t> ox * sw - pl
            x_lo = max(ix0, 0)
            x_hi = min(ix0 + kw, iw)
            ntaps = 0
            for y in range(y_lo, y_hi):
                for xx in range(x_lo, x_hi):
                    taps[ntaps] = x + ((img * ih + y) * iw + xx) * cb
                    ntaps += 1
            fn(taps, ntaps, c, <uint32_t> (kh * kw if include_pad else ntaps), acc,
               out + (unit * ow + ox) * cb)
    free(taps)
    free(acc)
    return 0
