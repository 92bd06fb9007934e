"""Build tables for pyedge's native kernels: one static C library per ISA, Cython wrappers.

C microkernels live in kernels/<family>/ and are sorted into libraries by the ISA suffix of
their file name (``...-scalar.c``, ``...-avx2.c``, ``...-avx512vnni.c``, ``...-amx.c``,
``...-neon.c``, ``...-neondot.c``, ``...-neoni8mm.c``); each library gets only its own flags,
so nothing is built with -march=native.
Set PYEDGE_SANITIZE=1 to build everything with AddressSanitizer + UBSan.
"""

import os
import sysconfig
from glob import glob

import numpy
from Cython.Build import cythonize
from setuptools import Extension, setup

# Target of the compiler (honours _PYTHON_HOST_PLATFORM when cross-compiling), not the host.
ARCH = sysconfig.get_platform().split("-")[-1].lower()
X86 = ARCH in ("x86_64", "amd64", "i686")
ARM = ARCH in ("aarch64", "arm64")
BASE = ["-O3", "-fPIC", "-std=c11", "-fno-math-errno", "-ffp-contract=off", "-Ikernels/include"]
SANITIZE = ["-fsanitize=address,undefined", "-fno-omit-frame-pointer"] if os.environ.get(
    "PYEDGE_SANITIZE") == "1" else []

# (library name, file-name suffix, extra cflags, built on this machine?)
ISA_LIBRARIES = [
    ("pyedge_scalar", "-scalar.c", [], True),
    ("pyedge_avx2", "-avx2.c", ["-mavx2", "-mfma", "-mf16c"], X86),
    ("pyedge_avx512", "-avx512.c", ["-mavx512f", "-mavx512bw", "-mavx512vl", "-mavx512dq",
                                    "-mfma"], X86),
    ("pyedge_avx512vnni", "-avx512vnni.c", ["-mavx512f", "-mavx512bw", "-mavx512vl",
                                            "-mavx512dq", "-mavx512vnni", "-mfma"], X86),
    ("pyedge_amx", "-amx.c", ["-mavx512f", "-mavx512bw", "-mavx512vl", "-mavx512dq",
                              "-mavx512vnni", "-mamx-tile", "-mamx-int8"], X86),
    ("pyedge_neon", "-neon.c", ["-march=armv8-a"] if ARM else [], ARM),
    ("pyedge_neondot", "-neondot.c", ["-march=armv8.2-a+dotprod"] if ARM else [], ARM),
    ("pyedge_neoni8mm", "-neoni8mm.c", ["-march=armv8.2-a+dotprod+i8mm"] if ARM else [], ARM),
]

libraries = []
for name, suffix, flags, enabled in ISA_LIBRARIES:
    sources = sorted(glob(f"kernels/*/*{suffix}"))
    if name == "pyedge_scalar":
        sources = ["kernels/cpuinfo.c"] + sources
    if enabled and sources:
        libraries.append((name, {"sources": sources, "include_dirs": ["kernels/include"],
                                 "cflags": BASE + flags + SANITIZE}))

# Scalar library last so ISA libraries can use the portable helpers it defines.
libraries.sort(key=lambda lib: lib[0] == "pyedge_scalar")

extensions = [
    Extension(
        f"pyedge.kernels._cython.{os.path.basename(pyx)[:-4]}",
        [pyx],
        include_dirs=["kernels/include", numpy.get_include()],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_2_0_API_VERSION")]
        + [(f"PYEDGE_HAVE_{name[7:].upper()}", "1") for name, *_ in libraries],
        extra_compile_args=["-O3", "-fopenmp"] + SANITIZE,
        extra_link_args=["-fopenmp"] + SANITIZE,
    )
    for pyx in sorted(glob("pyedge/kernels/_cython/*.pyx"))
]

setup(
    libraries=libraries,
    ext_modules=cythonize(extensions, language_level=3,
                          compiler_directives={"boundscheck": False, "wraparound": False,
                                               "cdivision": True, "initializedcheck": False}),
)
