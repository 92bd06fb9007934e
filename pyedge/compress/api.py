"""``pyedge.compress(model, recipe, calib, evaluate)``: encode, lower, measure, report."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from pyedge.compress.calibrate import Calibration, calibrate
from pyedge.compress.encode import Encoded, encode_layer
from pyedge.compress.layers import Layer, find_layers
from pyedge.compress.lower import lower
from pyedge.compress.recipe import LayerRecipe, Recipe, parse_recipe
from pyedge.runtime import Model, load


def as_model(model) -> Model:
    """A Model from a Model, a .pedge path or an .onnx path."""
    if isinstance(model, Model):
        return model
    if isinstance(model, str | os.PathLike):
        path = Path(model)
        if not path.is_file():
            raise FileNotFoundError(f"model file {path} does not exist")
        if path.suffix == ".onnx":
            from pyedge.importers.onnx import from_onnx

            return from_onnx(path)
        return load(path)
    raise TypeError(f"model must be a pyedge Model or a .pedge/.onnx path, got "
                    f"{type(model).__name__}")


def read_npz_inputs(path, model: Model) -> tuple[dict, np.ndarray | None]:
    """(feeds, labels or None) from an .npz: arrays named like the model inputs, or ``x``;
    labels as ``labels`` or ``y``. uint8 ``images`` [N, H, W] (the demo's files) become
    float32 ``images / 255`` with a channel axis, as the demo model expects."""
    with np.load(path, allow_pickle=False) as z:
        data = {k: z[k] for k in z.files}
    labels = data.get("labels", data.get("y"))
    names = [v.name for v in model.inputs]
    if all(n in data for n in names):
        feeds = {n: data[n] for n in names}
    elif len(names) == 1 and "x" in data:
        feeds = {names[0]: data["x"]}
    elif len(names) == 1 and "images" in data:
        img = data["images"]
        feeds = {names[0]: np.ascontiguousarray(
            (img.astype(np.float32) / np.float32(255))[:, None])}  # [N, 1, H, W]
    else:
        raise ValueError(f"{path}: needs arrays named {names} (or 'x' / uint8 'images'); "
                         f"found {sorted(data)}")
    for n, v in feeds.items():
        want = next(i.dtype for i in model.inputs if i.name == n)
        if v.dtype != want:
            feeds[n] = v.astype(want)
    return feeds, None if labels is None else labels.astype(np.int64)


def _feeds(calib, model: Model) -> dict | None:
    if calib is None:
        return None
    if isinstance(calib, str | os.PathLike):
        return read_npz_inputs(calib, model)[0]
    if isinstance(calib, np.ndarray):
        if len(model.inputs) != 1:
            raise ValueError("calib: pass a dict name -> array for a model with several inputs")
        return {model.inputs[0].name: calib}
    if isinstance(calib, dict):
        return dict(calib)
    raise TypeError(f"calib must be an ndarray, a dict, an .npz path or None, got "
                    f"{type(calib).__name__}")


def accuracy_metric(feeds: dict, labels: np.ndarray, batch: int = 500) -> Callable:
    """``evaluate(model) -> top-1 accuracy`` of the model's first output on (feeds, labels)."""
    n = len(labels)

    def evaluate(model: Model) -> float:
        hits = 0
        for s in range(0, n, batch):
            out = model.run({k: v[s:s + batch] for k, v in feeds.items()})
            hits += int((next(iter(out.values())).argmax(-1) == labels[s:s + batch]).sum())
        return hits / n

    evaluate.n = n
    return evaluate


class Compressor:
    """The float model, its layers and calibration; encodes and lowers any layer plan.

    Used by :func:`compress` and by the sensitivity / budget search (which lowers many
    plans of the same model).
    """

    def __init__(self, model: Model, recipe: Recipe, cal: Calibration | None, seed: int):
        self.model, self.recipe, self.cal, self.seed = model, recipe, cal, seed
        self.layers: list[Layer] = find_layers(model.graph, model._weights)
        self._cache: dict[tuple, Encoded] = {}

    def encode(self, layer: Layer, lr: LayerRecipe) -> Encoded:
        key = (layer.name, lr.label)
        e = self._cache.get(key)
        if e is None:
            rows = self.cal.rows.get(layer.name) if self.cal else None
            try:
                e = encode_layer(layer, lr, fallback=self.recipe.fallback,
                                 hessian=self._hessian, calibrated=self.cal is not None,
                                 seed=self.seed, x_shape=None if rows is None else rows.shape)
            except (ValueError, TypeError, ArithmeticError, np.linalg.LinAlgError) as exc:
                e = Encoded("float32", "f32", "float", layer.w2d, layer.bias, None,
                            lr.encoding, f"{lr.encoding} failed: {exc}")
            self._cache[key] = e
        return e

    def _hessian(self, layer: Layer):
        return None if self.cal is None else self.cal.hessian(layer)

    def build(self, encoded: dict[str, Encoded]) -> Model:
        """The runtime Model for per-layer encodings (missing layers stay float)."""
        full = {layer.name: encoded.get(layer.name) or self.encode(layer, LayerRecipe("float"))
                for layer in self.layers}
        graph, weights = lower(self.model.graph, self.model._weights, self.layers, full,
                               self.cal.qparams if self.cal else {})
        return Model(graph, weights, recipe=self.model_recipe(full))

    def model_recipe(self, encoded: dict[str, Encoded]) -> dict:
        """The compact recipe stored in the file: source recipe facts + per-layer encodings."""
        src = {k: v for k, v in self.model.recipe.items()
               if k in ("model", "preprocess", "classes")}
        return {**src, "compress": self.recipe.to_json(), "seed": self.seed,
                "layers": {n: e.encoding for n, e in encoded.items()}}


def compress(model, recipe, calib=None, evaluate=None, seed: int = 0, *,
             progress: bool = True, measure: bool = True):
    """Compress a float model with a recipe; return ``(compressed Model, Report)``.

    Parameters
    ----------
    model : a pyedge Model, or the path of a .pedge or .onnx file
    recipe : a preset name (int8, int8-dynamic, w4, w4-gptq, nu4, nu3, sparse50-int8, bsr90,
        auto), a .toml/.json recipe file, a dict, or a Recipe (see
        :func:`pyedge.compress.recipe.parse_recipe`)
    calib : calibration inputs: an ndarray (single-input model), a dict name -> ndarray, or
        an .npz path; needed for static int8 activations, GPTQ and SparseGPT. Without it,
        layers that need it are kept float and the report says so.
    evaluate : ``evaluate(model) -> metric`` (higher is better), e.g. top-1 accuracy;
        with it the report gives the metric change of the model and of each layer alone.
    seed : the same inputs and seed give a byte-identical model file
    progress : tqdm progress bars
    measure : time the model and each layer (the report's latency columns)

    Returns
    -------
    (Model, Report): the compressed model (``model.save(path)`` writes it) and the report
    (``report.save(directory)`` writes Markdown, JSON and a Pareto plot).
    """
    from pyedge.compress.report import build_report

    model = as_model(model)
    recipe = parse_recipe(recipe)
    feeds = _feeds(calib, model)
    layers = find_layers(model.graph, model._weights)
    cal = None
    if feeds is not None and layers:
        cal = calibrate(model, layers, feeds, observer=recipe.observer, seed=seed,
                        progress=progress)
    comp = Compressor(model, recipe, cal, seed)
    search = None
    if recipe.default.encoding == "auto" or any(lr.encoding == "auto"
                                                for _, lr in recipe.overrides):
        from pyedge.compress.budget import choose_encodings

        encoded, search = choose_encodings(comp, evaluate, progress=progress)
    else:
        encoded = {}
        it = comp.layers
        if progress:
            from tqdm import tqdm

            it = tqdm(it, desc="encoding", unit="layer", leave=False)
        for layer in it:
            encoded[layer.name] = comp.encode(layer, recipe.for_layer(layer.name))
    out = comp.build(encoded)
    report = build_report(comp, encoded, out, evaluate=evaluate, search=search,
                          measure=measure, progress=progress)
    return out, report
