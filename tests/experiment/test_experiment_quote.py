"""Figures quoted in README.md and docs/ equal their results files, and the quote tool keeps them so."""

from __future__ import annotations

from pathlib import Path

import srsly
from typer.testing import CliRunner

from al_ner.experiment.analysis.analyse import Analysis
from al_ner.experiment.render.markdown import snippets
from quote import app, drifts, markdown_files  # tools/quote.py: docs tooling, on the tests' pythonpath

REPO = Path(__file__).resolve().parents[2]


def test_every_figure_quoted_in_the_readme_and_docs_equals_its_results_file() -> None:
    files = markdown_files([REPO / "README.md", REPO / "docs"])
    stale = [f"{d.path.relative_to(REPO)}:{d.line} ({d.source} {d.key})" for d in drifts(files, REPO)]
    assert not stale, "run: python tools/quote.py sync README.md docs -> " + ", ".join(stale)


def test_every_experiment_results_file_re_renders_its_snippets_from_its_data() -> None:
    for path in sorted((REPO / "docs" / "results").glob("*.json")):
        document = srsly.read_json(path)
        if document.get("kind") == "experiment":
            assert snippets(Analysis.from_dict(document["data"])) == document["snippets"], path.name


def write_results(root: Path, value: str) -> None:
    (root / "docs" / "results").mkdir(parents=True, exist_ok=True)
    srsly.write_json(root / "docs" / "results" / "x.json", {"snippets": {"figure": value}})


def test_sync_rewrites_a_stale_block_and_check_fails_on_one(tmp_path: Path) -> None:
    write_results(tmp_path, "F1 0.612")
    doc = tmp_path / "README.md"
    doc.write_text("Before\n<!-- quote: docs/results/x.json figure -->\nF1 0.543\n<!-- /quote -->\nAfter\n")
    runner = CliRunner()
    checked = runner.invoke(app, ["sync", str(doc), "--check", "--root", str(tmp_path)])
    assert checked.exit_code == 1 and "is stale" in checked.output
    synced = runner.invoke(app, ["sync", str(doc), "--root", str(tmp_path)])
    assert synced.exit_code == 0
    assert doc.read_text() == "Before\n<!-- quote: docs/results/x.json figure -->\nF1 0.612\n<!-- /quote -->\nAfter\n"
    assert runner.invoke(app, ["sync", str(doc), "--check", "--root", str(tmp_path)]).exit_code == 0


def test_a_quote_of_a_missing_snippet_says_which_ones_exist(tmp_path: Path) -> None:
    write_results(tmp_path, "x")
    doc = tmp_path / "a.md"
    doc.write_text("<!-- quote: docs/results/x.json nope -->\n\n<!-- /quote -->\n")
    result = CliRunner().invoke(app, ["sync", str(doc), "--root", str(tmp_path)])
    assert result.exit_code != 0
    assert "has: figure" in str(result.exception) + result.output
