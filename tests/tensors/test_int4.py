"""Int4Grouped encoding: layout, round trip, validation."""

import numpy as np
import pytest

from pyedge.tensors import Int4Grouped


@pytest.mark.parametrize("g", [32, 64, 128])
def test_round_trip_error_is_half_a_step(g, rng):
    w = rng.standard_normal((7, 256)).astype(np.float32)
    q = Int4Grouped.from_float(w, g)
    s = np.repeat(q.scale.astype(np.float32), g, axis=1)
    assert np.all(np.abs(q.to_float() - w) <= 0.5 * s + 1e-6)
    assert q.nbytes == 7 * 128 + 7 * (256 // g) * 2
    assert q.scale.dtype == np.float16 and q.q.shape == (7, 128)


def test_nibble_layout_low_is_even_k():
    w = np.zeros((1, 32), np.float32)
    w[0, 0], w[0, 1], w[0, 2] = 7.0, -7.0, -1.0
    q = Int4Grouped.from_float(w, 32)
    assert q.q[0, 0] == (7 | (0x9 << 4))  # 7 low, -7 = 0b1001 high
    assert q.q[0, 1] == 0xF  # -1 low
    np.testing.assert_array_equal(q.values()[0, :3], [7, -7, -1])


def test_constructor_validates():
    with pytest.raises(ValueError, match="scale"):
        Int4Grouped(np.zeros((2, 16), np.uint8), np.zeros((2, 2), np.float16), 32)
    with pytest.raises(ValueError, match="NaN"):
        Int4Grouped(np.zeros((2, 16), np.uint8), np.full((2, 1), np.nan, np.float16), 32)
