"""The one exception the .pedge reader and writer raise for a malformed file."""


class FormatError(ValueError):
    """A .pedge (or safetensors) file is malformed, truncated, corrupt or too new.

    The message names the file, the tensor (when one is at fault) and the fault.
    """
