"""Offline compression: quantize, prune, calibrate, lower to runtime graphs, report.

``pyedge.compress(model, recipe, calib=None, evaluate=None, seed=0)`` calls
:func:`pyedge.compress.api.compress`: this package is itself callable, so the name works
both as the function and as the package holding the quantizers and pruners.
"""

import sys
import types


class _CallablePackage(types.ModuleType):
    def __call__(self, *args, **kwargs):
        from pyedge.compress.api import compress

        return compress(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage
