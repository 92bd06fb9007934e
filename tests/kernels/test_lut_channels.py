"""Per-channel 8-bit lookup tables (x8_lut_channels): every backend bit-exact with the oracle."""

import numpy as np
import pytest

from pyedge.kernels import lut_channels, registry
from pyedge.ref.lut_channels import lut_channels as ref_lut_channels
from tests.conftest import assert_best_native_ran

FAMILY = "x8_lut_channels"
KERNELS = registry.kernels(FAMILY)


@pytest.mark.parametrize("kern", KERNELS, ids=[k.name for k in KERNELS])
@pytest.mark.parametrize("shape", [(1, 1), (3, 5), (2, 7, 9, 17), (1, 4, 4, 96), (0, 3),
                                   (1, 2, 2, 1)])
@pytest.mark.parametrize("per_channel", [True, False])
@pytest.mark.parametrize("dtypes", [(np.uint8, np.uint8), (np.int8, np.uint8),
                                    (np.uint8, np.int8)])
def test_matches_oracle(kern, shape, per_channel, dtypes, rng):
    x = rng.integers(0, 256, shape, dtype=np.uint8).view(dtypes[0])
    rows = shape[-1] if per_channel else 1
    table = rng.integers(0, 256, (rows, 256), dtype=np.uint8).view(dtypes[1])
    got = lut_channels(x, table, kernel=kern)
    assert got.dtype == table.dtype and got.shape == x.shape
    np.testing.assert_array_equal(got, ref_lut_channels(x, table))
    out = np.empty_like(got)
    assert lut_channels(x, table, out=out, num_threads=2, kernel=kern) is out
    np.testing.assert_array_equal(out, got)


def test_bad_input():
    x = np.zeros((2, 3), np.uint8)
    with pytest.raises(TypeError, match="x"):
        lut_channels(x.astype(np.int32), np.zeros((3, 256), np.uint8))
    with pytest.raises(ValueError, match="table"):
        lut_channels(x, np.zeros((2, 256), np.uint8))
    with pytest.raises(ValueError, match="table"):
        lut_channels(x, np.zeros((3, 255), np.uint8))


def test_best_native_ran():
    assert_best_native_ran(FAMILY)
