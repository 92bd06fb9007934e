"""Named float tolerances for comparing kernels with their NumPy oracles (rtol, atol)."""

# float32 output of an integer GEMM: the same float32 multiply on the same int32 -> exact.
QGEMM_F32 = dict(rtol=0, atol=0)
# float activations x low-bit weights: float32 accumulation order differs from the oracle.
F32_GEMM = dict(rtol=2e-5, atol=2e-5)
# float activations x int4 / codebook weights: |got - exact| <= rtol * (|x| @ |w|.T) + atol,
# i.e. relative to the sum of absolute products (float32 accumulation in any order over K).
F32_LOWBIT = dict(rtol=1e-5, atol=1e-6)
# qd8 x int4 needs no entry: every backend follows the same int32 + float32 sequence
# (kernels/include/pyedge/qc4w-gemm.h), so tests compare with the oracle bit for bit.
