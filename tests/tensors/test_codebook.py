"""Codebook encoding: bit packing, k-means levels, round trip, validation."""

import numpy as np
import pytest

from pyedge.tensors import Codebook
from pyedge.tensors.codebook import pack_bits, unpack_bits


@pytest.mark.parametrize("bits", [2, 3, 4])
@pytest.mark.parametrize("k", [1, 7, 8, 9, 33])
def test_bitstream_round_trip(bits, k, rng):
    idx = rng.integers(0, 2**bits, (3, k)).astype(np.uint8)
    packed = pack_bits(idx, bits)
    assert packed.shape == (3, (k * bits + 7) // 8)
    np.testing.assert_array_equal(unpack_bits(packed, bits, k), idx)


def test_bit_layout():
    idx = np.array([[1, 2, 3, 4, 5, 6, 7, 0]], np.uint8)
    assert pack_bits(idx[:, :2], 4)[0, 0] == 0x21  # low nibble = even k
    # 3 bits: k0 in bits 0-2, k1 in 3-5, k2 straddles bytes 0 and 1
    assert pack_bits(idx, 3)[0].tolist() == [0b11010001, 0b01011000, 0b00011111]
    assert pack_bits(np.array([[1, 2, 3, 0]], np.uint8), 2)[0, 0] == 0b00111001


@pytest.mark.parametrize("bits", [2, 3, 4])
def test_kmeans_levels_fit_weights(bits, rng):
    w = rng.standard_normal((4, 512)).astype(np.float32)
    c = Codebook.from_float(w, bits)
    assert c.levels.shape == (4, 2**bits) and np.all(np.diff(c.levels, axis=1) >= 0)
    rms = np.sqrt(np.mean((c.to_float() - w) ** 2))
    assert rms < {2: 0.4, 3: 0.22, 4: 0.13}[bits]  # Lloyd-Max for N(0,1): .36 .19 .10
    assert c.nbytes == c.indices.nbytes + 4 * 4 * 2**bits
    again = Codebook.from_float(w, bits)
    np.testing.assert_array_equal(again.levels, c.levels)  # deterministic


def test_per_tensor_and_given_levels(rng):
    w = rng.standard_normal((3, 40)).astype(np.float32)
    c = Codebook.from_float(w, 2, per_channel=False)
    assert c.levels.shape == (1, 4)
    c = Codebook.from_float(w, 2, levels=[1.0, -1.0, 0.5, -0.5])
    np.testing.assert_array_equal(c.levels[0], [-1.0, -0.5, 0.5, 1.0])
    assert set(np.unique(c.to_float())) <= {-1.0, -0.5, 0.5, 1.0}
