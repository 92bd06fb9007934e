"""Named float tolerances for comparing kernels with their NumPy oracles (rtol, atol)."""

# float32 output of an integer GEMM: the same float32 multiply on the same int32 -> exact.
QGEMM_F32 = dict(rtol=0, atol=0)
# float activations x low-bit weights: float32 accumulation order differs from the oracle.
F32_GEMM = dict(rtol=2e-5, atol=2e-5)
# runtime float32 ops against float64/float32 NumPy references (different op order)
RUNTIME_F32 = dict(rtol=1e-5, atol=1e-6)
# erf by Abramowitz-Stegun 7.1.26 (|error| <= 1.5e-7) against math.erf
ERF = dict(rtol=0, atol=3e-7)
