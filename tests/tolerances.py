"""Named float tolerances for comparing kernels with their NumPy oracles (rtol, atol)."""

# float32 output of an integer GEMM: the same float32 multiply on the same int32 -> exact.
QGEMM_F32 = dict(rtol=0, atol=0)
# float activations x low-bit weights: float32 accumulation order differs from the oracle.
F32_GEMM = dict(rtol=2e-5, atol=2e-5)
# runtime float32 ops against float64/float32 NumPy references (different op order)
RUNTIME_F32 = dict(rtol=1e-5, atol=1e-6)
# erf by Abramowitz-Stegun 7.1.26 (|error| <= 1.5e-7) against math.erf
ERF = dict(rtol=0, atol=3e-7)
# float activations x int4 / codebook weights: |got - exact| <= rtol * (|x| @ |w|.T) + atol,
# i.e. relative to the sum of absolute products (float32 accumulation in any order over K).
F32_LOWBIT = dict(rtol=1e-5, atol=1e-6)
# qd8 x int4 needs no entry: every backend follows the same int32 + float32 sequence
# (kernels/include/pyedge/qc4w-gemm.h), so tests compare with the oracle bit for bit.
# float32 sparse matmul vs the float64 oracle: float32 sums in a different order.
F32_SPMM = dict(rtol=1e-4, atol=1e-4)
# float32 depthwise / direct convolution: float32 sums of <= a few hundred products, any order.
F32_CONV = dict(rtol=1e-5, atol=1e-5)
# float32 pooling: float32 sums of the window taps in any order, one division (oracle float64)
F32_POOL = dict(rtol=1e-5, atol=1e-6)
# pyedge vs PyTorch / onnxruntime on whole exported models: max |diff| <= rtol * max |output|
# (issue 5's parity criterion; float32 sums in other orders across a few dozen layers)
MODEL_PARITY = dict(rtol=1e-4)
# pyedge.train float32 forward (own op order, erf from SciPy) vs the runtime's float32 ops
TRAIN_FORWARD_F32 = dict(rtol=1e-4, atol=1e-5)
# exported integer model (float32 dequantize + QGemm float output) vs the fake-quant forward
TRAIN_QAT_LOGITS = dict(rtol=1e-5, atol=1e-6)
