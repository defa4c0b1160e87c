"""The shape of the tree: imports run one way through the layers, nothing below the CLI prints or
parses a command line, and every package is installed. docs/architecture.md draws the same layers."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "al_ner"

# Lowest first: a module may import modules of its own part or of a part in an earlier layer.
LAYERS: list[tuple[str, ...]] = [
    ("al_ner.errors", "al_ner.types", "al_ner.constants", "al_ner.version"),
    ("al_ner.registry", "al_ner.backends", "al_ner.protocols", "al_ner.settings"),
    ("al_ner.storage", "al_ner.models"),
    ("al_ner.stream",),
    ("al_ner.cost", "al_ner.scoring", "al_ner.models.matcher"),
    ("al_ner.sorters", "al_ner.predict", "al_ner.training", "al_ner.recipe", "al_ner.recipe_components",
     "al_ner.util"),
    ("al_ner.strategies", "al_ner.health", "al_ner.models.ner", "al_ner.components"),
    ("al_ner.controller", "al_ner.dbio"),
    ("al_ner.annotators", "al_ner.core"),
    ("al_ner.experiment.data",),
    ("al_ner.experiment.analysis",),
    ("al_ner.experiment.run",),
    ("al_ner.experiment.diagnose",),
    ("al_ner.experiment.render",),
    ("al_ner.cli", "al_ner"),  # al_ner: the package's __init__, the public API
    ("al_ner.__main__",),
]
RANK = {part: rank for rank, parts in enumerate(LAYERS) for part in parts}
# The terminal annotator is a user interface: it asks a person on the stream it is given (stdout
# unless told otherwise), as the web annotator serves a browser. Nothing else below the CLI prints.
MAY_PRINT = {"al_ner.annotators.terminal"}
OUTPUT = re.compile(r"^(typer|click)(\.|$)")


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def part_of(module: str) -> str:
    """The layered part a module belongs to: the longest prefix LAYERS names."""
    pieces = module.split(".")
    for n in range(len(pieces), 0, -1):
        if ".".join(pieces[:n]) in RANK:
            return ".".join(pieces[:n])
    raise AssertionError(f"{module} belongs to no layer; add its package to LAYERS here and to docs/architecture.md")


def imported(path: Path, module: str) -> Iterator[tuple[str, int]]:
    """Every al_ner module `path` imports (at any depth: lazy imports count), with its line."""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf8"))):
        if isinstance(node, ast.Import):
            yield from ((alias.name, node.lineno) for alias in node.names if alias.name.startswith("al_ner"))
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            if not target.startswith("al_ner"):
                continue
            if node.module is None:  # from .. import registry: the names are modules
                yield from ((f"{target}.{alias.name}", node.lineno) for alias in node.names)
            else:
                yield target, node.lineno


def sources() -> list[tuple[Path, str]]:
    return [(path, module_name(path)) for path in sorted(PACKAGE.rglob("*.py"))]


def test_imports_run_one_way_through_the_layers() -> None:
    upward = []
    for path, module in sources():
        mine = part_of(module)
        for target, line in imported(path, module):
            theirs = part_of(target)
            if theirs != mine and RANK[theirs] >= RANK[mine]:
                upward.append(f"{path.relative_to(REPO)}:{line}: {mine} imports {target} ({theirs})")
    assert not upward, "imports against the layers:\n" + "\n".join(upward)


def test_nothing_below_the_cli_prints_exits_or_parses_a_command_line() -> None:
    found = []
    for path, module in sources():
        if part_of(module) == "al_ner.cli" or module in ("al_ner.__main__",):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf8"))):
            what = _output(node)
            if what and module not in MAY_PRINT:
                found.append(f"{path.relative_to(REPO)}:{node.lineno}: {what}")
    assert not found, "only al_ner/cli prints, exits or uses Typer:\n" + "\n".join(found)


def _output(node: ast.AST) -> str:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
        return "print()"
    if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "sys"
            and node.attr in ("stdout", "stderr", "exit")):
        return f"sys.{node.attr}"
    if isinstance(node, ast.Import):
        return next((f"import {a.name}" for a in node.names if OUTPUT.match(a.name)), "")
    if isinstance(node, ast.ImportFrom) and not node.level and OUTPUT.match(node.module or ""):
        return f"from {node.module} import ..."
    return ""


def test_every_package_is_installed() -> None:
    listed = set(re.findall(r'"(al_ner[\w.]*)"', (REPO / "pyproject.toml").read_text().split("packages = [")[1]
                            .split("]")[0]))
    packages = {module_name(path.parent / "__init__.py") for path in PACKAGE.rglob("__init__.py")}
    assert packages <= listed, f"add to [tool.setuptools] packages: {sorted(packages - listed)}"


def test_the_layers_cover_the_tree_and_the_architecture_page_names_them() -> None:
    for _path, module in sources():
        part_of(module)  # raises for a module in no layer
    page = (REPO / "docs" / "architecture.md").read_text(encoding="utf8")
    missing = [part for part in RANK if part not in ("al_ner", "al_ner.__main__", "al_ner.version")
               and part.removeprefix("al_ner.").replace(".", "/") not in page]
    assert not missing, f"docs/architecture.md doesn't name: {missing}"
