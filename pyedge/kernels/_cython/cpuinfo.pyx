"""CPU feature bits read at run time by kernels/cpuinfo.c."""

cdef extern from "pyedge/cpuinfo.h" nogil:
    ctypedef struct pyedge_cpu_info:
        int avx2, fma, avx512f, avx512bw, avx512vl, avx512dq, avx512vnni
        int amx_tile, amx_int8, amx_permitted
        int neon, neon_dotprod, neon_i8mm
    void pyedge_cpu_features(pyedge_cpu_info* info)


def cpu_features():
    """Return the CPU feature flags as a dict of bools (requests AMX tile state on Linux)."""
    cdef pyedge_cpu_info info
    pyedge_cpu_features(&info)
    cdef dict d = info
    return {k: bool(v) for k, v in d.items()}
