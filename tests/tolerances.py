"""Named float tolerances for comparing kernels with their NumPy oracles (rtol, atol)."""

# float32 output of an integer GEMM: the same float32 multiply on the same int32 -> exact.
QGEMM_F32 = dict(rtol=0, atol=0)
# float activations x low-bit weights: float32 accumulation order differs from the oracle.
F32_GEMM = dict(rtol=2e-5, atol=2e-5)
# float32 depthwise / direct convolution: float32 sums of <= a few hundred products, any order.
F32_CONV = dict(rtol=1e-5, atol=1e-5)
