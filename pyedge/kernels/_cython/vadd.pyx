"""Native 8-bit add with two input quantizations: the flat tensors split into chunks over
threads, one ukernel call per chunk (element-wise, so any split gives the same bytes)."""

from cython.parallel cimport prange
from libc.stdint cimport int32_t, uint8_t


cdef extern from "pyedge/qu8-vadd-table.h" nogil:
    ctypedef struct pyedge_qu8_vadd_params:
        float a_mult, b_mult
        int32_t a_zero_point, b_zero_point, out_zero_point
        float out_lo, out_hi
        uint8_t a_flip, b_flip, out_flip
    ctypedef void (*pyedge_qu8_vadd_fn)(size_t, const uint8_t*, const uint8_t*, uint8_t*,
                             const pyedge_qu8_vadd_params*) noexcept nogil
    ctypedef struct pyedge_qu8_vadd_ukernel:
        const char* name
        const char* family
        int isa
        pyedge_qu8_vadd_fn fn
    const pyedge_qu8_vadd_ukernel* pyedge_qu8_vadd_table
    size_t PYEDGE_QU8_VADD_COUNT

cdef enum:
    MIN_CHUNK = 65536  # elements per thread below which extra threads do not pay off


def ukernels():
    """List the 8-bit add ukernels compiled into this build as dicts."""
    cdef size_t i
    out = []
    for i in range(PYEDGE_QU8_VADD_COUNT):
        u = pyedge_qu8_vadd_table[i]
        out.append(dict(index=i, name=u.name.decode(), family=u.family.decode(), isa=u.isa))
    return out


def vadd(int index, const uint8_t[::1] a, const uint8_t[::1] b, uint8_t[::1] out,
         float a_mult, int a_zero_point, float b_mult, int b_zero_point, float out_lo,
         float out_hi, int out_zero_point, int a_flip, int b_flip, int out_flip,
         int num_threads):
    """``out = requant(a, b)`` over flat byte views (zero points in the unsigned domain).

    Preconditions (checked in Python): a, b, out hold n >= 1 elements; multipliers finite and
    <= 2**24; flips are 0 or 0x80; out_zero_point + [out_lo, out_hi] within [0, 255].
    """
    cdef pyedge_qu8_vadd_fn fn = pyedge_qu8_vadd_table[index].fn
    cdef pyedge_qu8_vadd_params p
    p.a_mult, p.b_mult = a_mult, b_mult
    p.a_zero_point, p.b_zero_point, p.out_zero_point = a_zero_point, b_zero_point, out_zero_point
    p.out_lo, p.out_hi = out_lo, out_hi
    p.a_flip, p.b_flip, p.out_flip = a_flip, b_flip, out_flip
    cdef size_t n = a.shape[0]
    cdef size_t chunks = max(1, min(<size_t> num_threads, n // MIN_CHUNK))
    cdef size_t step = (n + chunks - 1) // chunks
    step = (step + 63) // 64 * 64  # whole SIMD iterations except in the last chunk
    chunks = (n + step - 1) // step
    cdef const uint8_t* ap = &a[0]
    cdef const uint8_t* bp = &b[0]
    cdef uint8_t* op = &out[0]
    cdef Py_ssize_t ch
    if chunks == 1:
        with nogil:
            fn(n, ap, bp, op, &p)
        return
    for ch in prange(<Py_ssize_t> chunks, nogil=True, num_threads=chunks, schedule="static"):
        fn(min(step, n - ch * step), ap + ch * step, bp + ch * step, op + ch * step, &p)
