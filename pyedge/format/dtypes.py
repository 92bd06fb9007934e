"""safetensors dtype tokens <-> little-endian NumPy dtypes (the ones NumPy can hold)."""

import numpy as np

TO_NUMPY = {
    "BOOL": np.dtype("?"),
    "U8": np.dtype("u1"),
    "I8": np.dtype("i1"),
    "U16": np.dtype("<u2"),
    "I16": np.dtype("<i2"),
    "F16": np.dtype("<f2"),
    "U32": np.dtype("<u4"),
    "I32": np.dtype("<i4"),
    "F32": np.dtype("<f4"),
    "U64": np.dtype("<u8"),
    "I64": np.dtype("<i8"),
    "F64": np.dtype("<f8"),
}
FROM_NUMPY = {dt.newbyteorder("=") if dt.itemsize > 1 else dt: tok for tok, dt in TO_NUMPY.items()}
"""Native-order NumPy dtype -> token (byte order is normalised by the writer)."""


def token_for(dtype: np.dtype) -> str:
    """The safetensors token of ``dtype`` (either byte order); TypeError if unsupported."""
    dt = np.dtype(dtype)
    key = dt.newbyteorder("=") if dt.itemsize > 1 else dt
    tok = FROM_NUMPY.get(key)
    if tok is None:
        raise TypeError(f"dtype {dt} cannot be stored in a .pedge file; supported: "
                        f"{', '.join(str(d) for d in FROM_NUMPY)}")
    return tok
