"""bench/keep_rates.py and its committed results: the table is rendered from the data, quoted
unchanged in docs/sorters.md, and the data is what the script computes today."""

from __future__ import annotations

import importlib.util
import json
import platform
from pathlib import Path

import pytest

from al_ner.sorters import ALGORITHMS

REPO = Path(__file__).resolve().parents[2]
RESULTS = REPO / "docs" / "results" / "sorter_keep_rates.json"
DOC = REPO / "docs" / "sorters.md"
OPEN = "<!-- quote: docs/results/sorter_keep_rates.json table -->"
CLOSE = "<!-- /quote -->"


def load_bench():
    spec = importlib.util.spec_from_file_location("keep_rates", REPO / "bench" / "keep_rates.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench():
    return load_bench()


@pytest.fixture(scope="module")
def results() -> dict:
    return json.loads(RESULTS.read_text(encoding="utf8"))


def test_results_have_the_agreed_shape(results: dict) -> None:
    assert set(results) == {"name", "generated_by", "data", "snippets"}
    assert results["name"] == "sorter_keep_rates"
    assert results["generated_by"] == "python bench/keep_rates.py"
    assert set(results["snippets"]) == {"table"}


def test_table_re_renders_from_the_data(bench, results: dict) -> None:
    assert bench.render_table(results["data"]) == results["snippets"]["table"]


def test_docs_quote_the_table_unchanged(results: dict) -> None:
    doc = DOC.read_text(encoding="utf8")
    assert doc.count(OPEN) == 1
    assert f"{OPEN}\n{results['snippets']['table']}{CLOSE}" in doc


def test_every_algorithm_has_a_column(bench) -> None:
    assert sorted(bench.ORDER) == sorted(ALGORITHMS)


def test_committed_data_is_what_the_script_computes(bench, results: dict) -> None:
    data = results["data"]
    if data["python"].rsplit(".", 1)[0] != platform.python_version().rsplit(".", 1)[0]:
        pytest.skip(f"results made with Python {data['python']}; random's draws may differ here")
    assert bench.measure(data["n"], data["seed"]) == {**data, "python": platform.python_version()}


def test_small_run_shows_the_expected_shape_of_rates(bench) -> None:
    rates = bench.measure(4000, 3)["rates"]
    ema = rates["normal"]["prefer_high_scores"]["ema"]["rate"]
    assert 0.13 < ema < 0.21
    assert rates["uniform"]["prefer_uncertain"]["mean"]["rate"] == pytest.approx(0.5, abs=0.05)
    assert rates["near_0"]["prefer_uncertain"]["probability"]["rate"] >= 0.05 - 0.01
