"""Recipes: presets, per-layer glob overrides, TOML/JSON files, clear errors."""

import json

import pytest

from pyedge.compress.recipe import PRESETS, parse_budget, parse_recipe


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_parses(name):
    r = parse_recipe(name)
    assert r.name == name and r.default.encoding in ("auto", "int8", "w4-gptq", "nu3",
                                                     "int8-dynamic", "sparse-int8", "bsr",
                                                     "w4", "nu4")
    assert any(c.label == "nu3/method=kmeans/per=tensor" for c in r.candidates)


def test_overrides_last_matching_pattern_wins():
    r = parse_recipe({"preset": "int8", "layers": {"block*": "nu4", "block3_*": "float",
                                                   "fc": {"encoding": "w4", "group_size": 64}}})
    assert r.for_layer("stem").encoding == "int8"
    assert r.for_layer("block1_pw").encoding == "nu4"
    assert r.for_layer("block3_pw").encoding == "float"
    assert r.for_layer("fc").options == {"group_size": 64}


def test_preset_names_work_as_layer_encodings():
    r = parse_recipe({"preset": "int8", "layers": {"*_pw": "sparse50-int8"}})
    lr = r.for_layer("block2_pw")
    assert lr.encoding == "sparse-int8" and lr.options["sparsity"] == 0.5


def test_toml_and_json_files(tmp_path):
    t = tmp_path / "r.toml"
    t.write_text('preset = "w4"\nobserver = "minmax"\n[layers]\n"fc" = "int8"\n'
                 '[budget]\nsize = 0.25\n')
    r = parse_recipe(t)
    assert r.default.encoding == "w4" and r.for_layer("fc").encoding == "int8"
    assert r.budget == {"size": 0.25}
    j = tmp_path / "r.json"
    j.write_text(json.dumps({"encoding": "nu3", "options": {"method": "kmeans"}}))
    r = parse_recipe(str(j))
    assert r.default.encoding == "nu3" and r.default.options == {"method": "kmeans"}


@pytest.mark.parametrize("bad, match", [
    ("int7", "unknown recipe 'int7'"),
    ({"preset": "int8", "colour": 1}, r"unknown key\(s\) \['colour'\]"),
    ({"preset": "int9"}, "unknown preset 'int9'"),
    ({"layers": {"fc": "int3"}}, r"layers\['fc'\]: unknown encoding 'int3'"),
    ({"layers": {"fc": {"encoding": "w4", "bits": 3}}}, r"unknown option\(s\) \['bits'\]"),
    ({"observer": "median"}, "observer 'median'"),
    ({"budget": {"size": 2}}, "budget size=2"),
    ({"layers": {"fc": {"encoding": "sparse-int8", "sparsity": 1.5}}}, "sparsity"),
])
def test_clear_errors(bad, match):
    with pytest.raises(ValueError, match=match):
        parse_recipe(bad)


def test_bad_types_and_missing_file(tmp_path):
    with pytest.raises(TypeError, match="recipe must be"):
        parse_recipe(3)
    with pytest.raises(FileNotFoundError):
        parse_recipe(str(tmp_path / "missing.toml"))
    bad = tmp_path / "bad.toml"
    bad.write_text("preset = ")
    with pytest.raises(ValueError, match="invalid TOML"):
        parse_recipe(bad)


def test_budget_flag():
    assert parse_budget("size=0.1") == {"size": 0.1}
    assert parse_budget("latency=0.5") == {"latency": 0.5}
    for bad in ("size", "speed=0.5", "size=abc", "size=0"):
        with pytest.raises(ValueError, match="budget"):
            parse_budget(bad)
