"""Native direct 3x3 stride-2 stem convolution: (image, output row band) units split over
threads, one ukernel call per unit (each output row is computed the same way whatever the
split, so results do not depend on the thread count)."""

from cython.parallel cimport prange


cdef extern from "pyedge/f32-conv-hwc-table.h" nogil:
    ctypedef void (*pyedge_f32_conv_hwc_fn)(size_t, size_t, size_t, const float*, const float*,
                                           const float*, size_t, size_t, size_t, size_t,
                                           size_t, size_t, float, float, float*) noexcept nogil
    ctypedef struct pyedge_f32_conv_hwc_ukernel:
        const char* name
        int isa
        pyedge_f32_conv_hwc_fn fn
    const pyedge_f32_conv_hwc_ukernel* pyedge_f32_conv_hwc_table
    size_t PYEDGE_F32_CONV_HWC_COUNT


def ukernels():
    """List the stem convolution ukernels compiled into this build as dicts."""
    cdef size_t i
    out = []
    for i in range(PYEDGE_F32_CONV_HWC_COUNT):
        u = pyedge_f32_conv_hwc_table[i]
        out.append(dict(index=i, name=u.name.decode(), isa=u.isa))
    return out


def conv_hwc(int index, const float[:, :, :, ::1] x, const float[::1] w, const float[::1] bias,
             float[:, :, :, ::1] out, int pt, int pl, float fmin, float fmax, int num_threads):
    """Preconditions (checked in Python): x [N, H, W, C_in <= 3], w packed
    [passes, 3, 3, C_in, 32], bias [passes * 32], out [N, OH, OW, C_out] with
    OH, OW >= 1 the stride-2 output size of the padded input."""
    cdef pyedge_f32_conv_hwc_fn fn = pyedge_f32_conv_hwc_table[index].fn
    cdef size_t n = x.shape[0], ih = x.shape[1], iw = x.shape[2], cin = x.shape[3]
    cdef size_t oh = out.shape[1], ow = out.shape[2], cout = out.shape[3]
    cdef size_t bands = min(<size_t> max(num_threads, 1) * 4, oh)  # row bands per image
    cdef size_t units = n * bands
    cdef Py_ssize_t u
    cdef size_t img, b
    cdef const float* xp = &x[0, 0, 0, 0]
    cdef float* op = &out[0, 0, 0, 0]
    cdef const float* wp = &w[0]
    cdef const float* bp = &bias[0]
    for u in prange(<Py_ssize_t> units, nogil=True, num_threads=max(num_threads, 1),
                    schedule="static"):
        img = <size_t> u // bands
        b = <size_t> u - img * bands
        fn(ih, iw, cin, xp + img * ih * iw * cin, wp, bp, cout, oh * b // bands,
           oh * (b + 1) // bands, ow, pt, pl, fmin, fmax, op + img * oh * ow * cout)
