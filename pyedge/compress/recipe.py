"""Compression recipes: named presets, per-layer overrides by glob pattern, TOML/JSON/dict."""

from __future__ import annotations

import fnmatch
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

# Per-layer encodings and the options each accepts.
ENCODINGS: dict[str, tuple[str, ...]] = {
    "float": (),
    "int8": (),  # static: int8 per-channel weights, calibrated uint8 activations
    "int8-dynamic": (),  # int8 per-channel weights, int8 activations quantized per run
    "w4": ("group_size",),  # int4 grouped, MSE-optimal clipping, round to nearest
    "w4-gptq": ("group_size",),  # int4 grouped, GPTQ error-compensating rounding
    "nu4": ("method", "per"),  # non-uniform 4-bit codebook (analytic Lloyd-Max or k-means)
    "nu3": ("method", "per"),
    "nu2": ("method", "per"),
    "sparse-int8": ("sparsity", "method"),  # pruned, int8 values, fastest of dense/CSR/BSR
    "bsr": ("sparsity", "block"),  # block-pruned, float32 BSR values
}
# Preset name -> default encoding of every layer (+ fixed options).
PRESETS: dict[str, dict] = {
    "int8": {"encoding": "int8"},
    "int8-dynamic": {"encoding": "int8-dynamic"},
    "w4": {"encoding": "w4"},
    "w4-gptq": {"encoding": "w4-gptq"},
    # Lloyd/k-means on the weights, started from the analytic Lloyd-Max levels of the fitted
    # distribution: lower weight MSE than the data-free analytic levels on the demo model
    "nu4": {"encoding": "nu4", "options": {"method": "kmeans"}},
    "nu3": {"encoding": "nu3", "options": {"method": "kmeans"}},
    "sparse50-int8": {"encoding": "sparse-int8", "options": {"sparsity": 0.5}},
    "bsr90": {"encoding": "bsr", "options": {"sparsity": 0.9, "block": [4, 4]}},
    "auto": {"encoding": "auto"},
}
OBSERVERS = ("minmax", "percentile", "mse", "entropy")
FALLBACKS = ("int8", "float")
TOP_KEYS = ("preset", "encoding", "options", "observer", "fallback", "bias_correction",
            "layers", "budget", "candidates", "max_drop")
# What ``auto`` chooses from per layer (besides float32): per-tensor codebooks are the
# smallest (one 2**b table per layer instead of one per output channel).
AUTO_CANDIDATES = ("int8", "w4-gptq", "nu4", {"encoding": "nu4", "per": "tensor",
                                              "method": "kmeans"},
                   {"encoding": "nu3", "per": "tensor", "method": "kmeans"},
                   {"encoding": "nu2", "per": "tensor", "method": "kmeans"})
BUDGET_KEYS = ("size", "latency")
OPTION_VALUES = {"method": ("analytic", "kmeans", "magnitude", "sparsegpt"),
                 "per": ("channel", "tensor")}


@dataclass(frozen=True)
class LayerRecipe:
    """What to do with one layer: an encoding from ENCODINGS and its options."""

    encoding: str
    options: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"encoding": self.encoding, **self.options}

    @property
    def label(self) -> str:
        """``nu3/per=tensor``: the encoding and its options in one string."""
        return "/".join([self.encoding] + [f"{k}={v}" for k, v in sorted(self.options.items())])


@dataclass
class Recipe:
    """A parsed recipe.

    Attributes
    ----------
    name : the preset name (or "custom")
    default : the layer recipe used where no override matches
    overrides : (glob pattern, LayerRecipe) in file order; the LAST matching pattern wins
    observer : activation observer of static int8 (minmax, percentile, mse, entropy)
    fallback : encoding for layers the asked encoding cannot handle ("int8" or "float")
    bias_correction : correct biases for the mean weight-quantization error
    budget : {"size": fraction of the float file, "latency": fraction of float latency}
    candidates : layer recipes ``auto`` chooses from per layer (float32 is always one)
    max_drop : with ``evaluate``, ``auto`` never accepts a larger metric drop: when the budget
        cannot be met within it, the smallest searched model within it is chosen instead
    """

    name: str
    default: LayerRecipe
    overrides: list[tuple[str, LayerRecipe]] = field(default_factory=list)
    observer: str = "minmax"
    fallback: str = "int8"
    bias_correction: bool = False
    budget: dict = field(default_factory=dict)
    candidates: tuple[LayerRecipe, ...] = ()
    max_drop: float | None = None

    def for_layer(self, name: str) -> LayerRecipe:
        """The layer recipe for layer ``name`` (last matching override, else the default)."""
        chosen = self.default
        for pattern, lr in self.overrides:
            if fnmatch.fnmatchcase(name, pattern):
                chosen = lr
        return chosen

    def to_json(self) -> dict:
        """A JSON-serialisable form (stored in the compressed model's metadata)."""
        doc = {"preset": self.name, **self.default.to_json(), "observer": self.observer,
               "fallback": self.fallback}
        if self.bias_correction:
            doc["bias_correction"] = True
        if self.overrides:
            doc["layers"] = {p: lr.to_json() for p, lr in self.overrides}
        if self.budget:
            doc["budget"] = dict(self.budget)
        if self.max_drop is not None:
            doc["max_drop"] = self.max_drop
        return doc


def _layer_recipe(value, where: str) -> LayerRecipe:
    """``"nu4"`` or ``{"encoding": "nu4", "method": "kmeans"}`` -> LayerRecipe."""
    if isinstance(value, str):
        value = {"encoding": value}
    if not isinstance(value, dict):
        raise TypeError(f"{where}: a layer recipe is an encoding name or a table, got "
                        f"{type(value).__name__}")
    enc = value.get("encoding")
    if enc in PRESETS and enc not in ENCODINGS and enc != "auto":
        base = PRESETS[enc]
        value = {**base.get("options", {}), **{k: v for k, v in value.items()
                                               if k != "encoding"}}
        enc = base["encoding"]
    if enc not in ENCODINGS and enc != "auto":
        known = list(ENCODINGS) + [p for p in PRESETS if p not in ENCODINGS]
        raise ValueError(f"{where}: unknown encoding {enc!r}; known: {', '.join(known)}")
    opts = {k: v for k, v in value.items() if k != "encoding"}
    allowed = ENCODINGS.get(enc, ())
    unknown = sorted(set(opts) - set(allowed))
    if unknown:
        raise ValueError(f"{where}: unknown option(s) {unknown} for encoding {enc!r} "
                         f"(allowed: {list(allowed) or 'none'})")
    for k, v in opts.items():
        if k in OPTION_VALUES and v not in OPTION_VALUES[k]:
            raise ValueError(f"{where}: {k}={v!r} is not one of {OPTION_VALUES[k]}")
    if "sparsity" in opts and not (isinstance(opts["sparsity"], int | float)
                                   and 0 <= opts["sparsity"] < 1):
        raise ValueError(f"{where}: sparsity must be a number in [0, 1), got "
                         f"{opts['sparsity']!r}")
    if "group_size" in opts and opts["group_size"] not in (32, 64, 128):
        raise ValueError(f"{where}: group_size must be 32, 64 or 128, got "
                         f"{opts['group_size']!r}")
    if "block" in opts and (not isinstance(opts["block"], list | tuple) or len(opts["block"]) != 2):
        raise ValueError(f"{where}: block must be [r, c], got {opts['block']!r}")
    return LayerRecipe(enc, opts)


def _read_file(path: Path) -> dict:
    text = path.read_text()
    if path.suffix == ".toml":
        import tomllib

        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"recipe {path}: invalid TOML: {exc}") from None
    if path.suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"recipe {path}: invalid JSON: {exc}") from None
    raise ValueError(f"recipe {path}: the file must end in .toml or .json")


def parse_recipe(recipe) -> Recipe:
    """A Recipe from a preset name, a .toml/.json path, a dict or a Recipe.

    Dict / file keys: ``preset`` (a name from PRESETS), or ``encoding`` (+ ``options``) for
    the default layer recipe; ``observer``; ``fallback``; ``bias_correction``; ``layers``
    (glob pattern -> encoding name or ``{encoding = ..., option = ...}``; later patterns
    win); ``budget`` (``{size = 0.1}`` or ``{latency = 0.5}``); ``candidates`` (for auto).

    Raises
    ------
    ValueError naming the unknown preset, key, encoding or option.
    """
    if isinstance(recipe, Recipe):
        return recipe
    if isinstance(recipe, os.PathLike) or (isinstance(recipe, str) and recipe not in PRESETS
                                            and recipe.endswith((".toml", ".json"))):
        path = Path(recipe)
        if not path.is_file():
            raise FileNotFoundError(f"recipe file {path} does not exist")
        doc, where = _read_file(path), f"recipe {path}"
    elif isinstance(recipe, str):
        if recipe not in PRESETS:
            raise ValueError(f"unknown recipe {recipe!r}; presets: {', '.join(PRESETS)} "
                             f"(or a .toml/.json file)")
        doc, where = {"preset": recipe}, "recipe"
    elif isinstance(recipe, dict):
        doc, where = recipe, "recipe"
    else:
        raise TypeError(f"recipe must be a preset name, a path, a dict or a Recipe, got "
                        f"{type(recipe).__name__}")
    unknown = sorted(set(doc) - set(TOP_KEYS))
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {unknown}; allowed: {list(TOP_KEYS)}")
    name = doc.get("preset", "custom")
    if "preset" in doc:
        if name not in PRESETS:
            raise ValueError(f"{where}: unknown preset {name!r}; presets: {', '.join(PRESETS)}")
        base = dict(PRESETS[name])
    else:
        base = {"encoding": "float"}
    if "encoding" in doc:
        base = {"encoding": doc["encoding"], "options": doc.get("options", {})}
    elif "options" in doc:
        base["options"] = {**base.get("options", {}), **doc["options"]}
    default = _layer_recipe({"encoding": base["encoding"], **base.get("options", {})},
                            f"{where}: default")
    layers = doc.get("layers", {})
    if not isinstance(layers, dict):
        raise TypeError(f"{where}: layers must be a table pattern -> encoding")
    overrides = [(p, _layer_recipe(v, f"{where}: layers[{p!r}]")) for p, v in layers.items()]
    observer = doc.get("observer", "minmax")
    if observer not in OBSERVERS:
        raise ValueError(f"{where}: observer {observer!r} is not one of {OBSERVERS}")
    fallback = doc.get("fallback", "int8")
    if fallback not in FALLBACKS:
        raise ValueError(f"{where}: fallback {fallback!r} is not one of {FALLBACKS}")
    budget = doc.get("budget", {})
    if not isinstance(budget, dict) or set(budget) - set(BUDGET_KEYS):
        raise ValueError(f"{where}: budget must be a table with keys {BUDGET_KEYS}, got "
                         f"{budget!r}")
    for k, v in budget.items():
        if not isinstance(v, int | float) or not 0 < v <= 1:
            raise ValueError(f"{where}: budget {k}={v!r} must be a fraction in (0, 1]")
    candidates = tuple(_layer_recipe(c, f"{where}: candidates")
                       for c in doc.get("candidates", AUTO_CANDIDATES))
    max_drop = doc.get("max_drop")
    if max_drop is not None and (not isinstance(max_drop, int | float) or max_drop < 0):
        raise ValueError(f"{where}: max_drop must be a number >= 0, got {max_drop!r}")
    return Recipe(name, default, overrides, observer, fallback,
                  bool(doc.get("bias_correction", False)), dict(budget), candidates, max_drop)


def parse_budget(text: str) -> dict:
    """``"size=0.1"`` or ``"latency=0.5"`` (the CLI's --budget) -> {"size": 0.1}."""
    key, sep, value = text.partition("=")
    if not sep or key not in BUDGET_KEYS:
        raise ValueError(f"--budget must be size=FRACTION or latency=FRACTION, got {text!r}")
    try:
        v = float(value)
    except ValueError:
        raise ValueError(f"--budget {key}: {value!r} is not a number") from None
    if not 0 < v <= 1:
        raise ValueError(f"--budget {key}={v} must be a fraction in (0, 1]")
    return {key: v}
