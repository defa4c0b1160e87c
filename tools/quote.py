"""Figures that can't go stale: README.md and docs/ quote results files instead of typing numbers.

A Markdown file marks each quoted piece with the results file and the snippet's name:

    <!-- quote: docs/results/conll2003.json headline -->
    ...the snippet, written here by `sync`...
    <!-- /quote -->

`publish` copies the reports' results.json files (and their held-out plots) to docs/; `sync`
rewrites every quoted block from the results files; `sync --check` changes nothing and fails
when a block differs, which is what the test suite runs.

    python tools/quote.py publish reports docs/results
    python tools/quote.py sync README.md docs [--check]

Docs tooling, not part of the installed package: it reads only results files and Markdown.
"""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import srsly
import typer

from al_ner.errors import AlNerError, InputError

BLOCK = re.compile(r"(<!-- quote: (?P<file>\S+) (?P<key>\S+) -->\n)(?P<body>.*?)(<!-- /quote -->)", re.S)
RESULTS_FILE = "results.json"


@dataclass(frozen=True)
class Drift:
    """A quoted block whose text is not its results file's snippet."""

    path: Path
    line: int
    source: str
    key: str


def quoted(text: str, root: Path, *, path: Path) -> str:
    """`text` with every quote block's body replaced by its snippet."""
    def replace(match: re.Match[str]) -> str:
        return match.group(1) + snippet(root, match.group("file"), match.group("key"), path=path) + "\n" \
            + match.group(5)
    return BLOCK.sub(replace, text)


def snippet(root: Path, source: str, key: str, *, path: Path) -> str:
    """Snippet `key` of results file `source` (relative to `root`), or an InputError saying what's missing."""
    results = root / source
    if not results.is_file():
        raise InputError(f"quotes {source}, which doesn't exist; run the experiment and "
                         "`spacy project run publish`", path=str(path))
    snippets = srsly.read_json(results).get("snippets", {})
    if key not in snippets:
        raise InputError(f"quotes snippet '{key}' of {source}, which has: {', '.join(sorted(snippets))}",
                         path=str(path))
    return str(snippets[key]).rstrip("\n")


def drifts(paths: Iterable[Path], root: Path) -> Iterator[Drift]:
    """Every quoted block, in the given Markdown files, that differs from its results file."""
    for path in paths:
        text = path.read_text(encoding="utf8")
        for match in BLOCK.finditer(text):
            wanted = snippet(root, match.group("file"), match.group("key"), path=path)
            if match.group("body").rstrip("\n") != wanted:
                yield Drift(path, text.count("\n", 0, match.start()) + 1, match.group("file"), match.group("key"))


def markdown_files(targets: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for target in targets:
        files += sorted(target.rglob("*.md")) if target.is_dir() else [target]
    return files


def publish(reports: Path, results_dir: Path, images: Path) -> list[Path]:
    """Copy reports/<name>/results.json to results_dir/<name>.json, and its held-out plots of the
    annotated labels to images/."""
    written = []
    results_dir.mkdir(parents=True, exist_ok=True)
    for report in sorted(p for p in reports.iterdir() if (p / RESULTS_FILE).is_file()):
        target = results_dir / f"{report.name}.json"
        shutil.copyfile(report / RESULTS_FILE, target)
        written.append(target)
        annotated = srsly.read_json(report / RESULTS_FILE).get("data", {}).get("setup", {}).get("annotated", [])
        for label in annotated:
            plot = report / "plots" / f"f1_test_{label}.png"
            if plot.is_file():
                images.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(plot, images / f"experiment_{report.name}_{plot.name}")
    return written


def say(message: str) -> None:
    typer.echo(message, err=True)


app = typer.Typer(add_completion=False, help=__doc__.split("\n")[0])


@app.command("sync")
def sync_cli(
    targets: Annotated[list[Path], typer.Argument(help="Markdown files or folders (README.md docs)")],
    check: Annotated[bool, typer.Option(help="Change nothing; exit 1 when a quoted block is stale")] = False,
    root: Annotated[Path, typer.Option(help="Where the quoted results paths start")] = Path("."),
) -> None:
    """Rewrite every quoted block from its results file (or, with --check, report stale ones)."""
    files = markdown_files(targets)
    stale = list(drifts(files, root))
    for drift in stale:
        say(f"{'✘' if check else 'ℹ'} {drift.path}:{drift.line}: quote of {drift.source} {drift.key} "
            f"{'is stale; run: python tools/quote.py sync README.md docs' if check else 'updated'}")
    if check:
        sys.exit(1 if stale else 0)
    for path in files:
        text = path.read_text(encoding="utf8")
        new = quoted(text, root, path=path)
        if new != text:
            path.write_text(new, encoding="utf8")
    say(f"✔ {len(stale)} quoted block(s) updated in {len(files)} file(s)")


@app.command("publish")
def publish_cli(
    reports: Annotated[Path, typer.Argument(help="The reports folder (reports/<name>/results.json)")],
    results_dir: Annotated[Path, typer.Argument(help="Where the results files go (docs/results)")],
    images: Annotated[Path, typer.Option(help="Where the held-out plots go")] = Path("docs/img"),
) -> None:
    """Copy every report's results.json (and held-out plots) into the docs."""
    written = publish(reports, results_dir, images)
    say(f"✔ {len(written)} results file(s) -> {results_dir}: {', '.join(p.name for p in written)}")


def main() -> None:
    try:
        app()
    except AlNerError as err:
        typer.secho(f"✘ {err}", fg="red", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
