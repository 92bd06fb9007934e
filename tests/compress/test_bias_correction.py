"""Bias correction removes the mean output error of quantized weights."""

import numpy as np
import pytest

from pyedge.compress.bias_correction import corrected_bias
from pyedge.compress.uniform import quantize_uniform


def test_corrected_bias_removes_the_mean_output_shift():
    rng = np.random.default_rng(0)
    x = (rng.standard_normal((2000, 48)) + rng.uniform(0.5, 2.0, 48)).astype(np.float32)
    w = rng.standard_normal((16, 48)).astype(np.float32)
    b = rng.standard_normal(16).astype(np.float32)
    wq = quantize_uniform(w, 3, clip="mse").dequantize()
    y = x @ w.T + b
    before = np.abs((x @ wq.T + b - y).mean(axis=0))
    b2 = corrected_bias(w, wq, b, x.mean(axis=0))
    after = np.abs((x @ wq.T + b2 - y).mean(axis=0))
    assert b2.dtype == np.float32 and b2.shape == (16,)
    assert np.all(after < 1e-4 + 1e-3 * before) and before.max() > 0.05
    np.testing.assert_allclose(corrected_bias(w, wq, None, x.mean(axis=0)), b2 - b, atol=1e-5)


def test_bad_input():
    w = np.ones((2, 3), np.float32)
    with pytest.raises(ValueError, match="w_q"):
        corrected_bias(w, np.ones((3, 2), np.float32), None, np.zeros(3))
    with pytest.raises(ValueError, match="x_mean"):
        corrected_bias(w, w, None, np.zeros(2))
    with pytest.raises(ValueError, match="bias"):
        corrected_bias(w, w, np.zeros(3), np.zeros(3))
    with pytest.raises(ValueError, match="x_mean holds"):
        corrected_bias(w, w, None, np.array([0, np.nan, 0]))
