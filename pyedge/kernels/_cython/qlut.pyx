"""Native per-channel 256-entry lookup on 8-bit NHWC rows: out[m, c] = table[c, x[m, c]]."""

from cython.parallel cimport prange
from libc.stdint cimport uint8_t


cdef inline void _rows(const uint8_t* x, const uint8_t* t, uint8_t* o, Py_ssize_t c,
                       Py_ssize_t step, Py_ssize_t rows) noexcept nogil:
    # local pointers: the byte stores cannot alias them, so the loop stays in registers;
    # two rows per pass share each channel's table address (more independent loads)
    cdef Py_ssize_t j
    cdef const uint8_t* x1 = x + c
    cdef uint8_t* o1 = o + c
    if rows == 2:
        for j in range(c):
            o[j] = t[x[j]]
            o1[j] = t[x1[j]]
            t += step
    else:
        for j in range(c):
            o[j] = t[x[j]]
            t += step


def lut_channels(const uint8_t[:, ::1] x, const uint8_t[:, ::1] table, uint8_t[:, ::1] out,
                 int num_threads):
    """Preconditions (checked in Python): x and out [M, C], table [C, 256] or [1, 256]."""
    cdef Py_ssize_t m = x.shape[0], c = x.shape[1], i
    cdef Py_ssize_t step = 256 if table.shape[0] > 1 else 0
    if m == 0 or c == 0:
        return
    cdef const uint8_t* xp = &x[0, 0]
    cdef const uint8_t* tp = &table[0, 0]
    cdef uint8_t* op = &out[0, 0]
    cdef Py_ssize_t pairs = (m + 1) // 2
    for i in prange(pairs, nogil=True, num_threads=num_threads, schedule="static"):
        _rows(xp + 2 * i * c, tp, op + 2 * i * c, c, step, 2 if 2 * i + 1 < m else 1)
