"""Recipe arguments as Prodigy documents them, through the CLI: converters in plac tuples and
in Arg(...), multi-letter shortcuts, flags; a recipe returning None; -F over a built-in."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from al_ner.cli import main

RECIPES = Path(__file__).parent / "recipes"


def test_converters_in_plac_tuples_reach_the_recipe(tmp_path, capsys):
    out = tmp_path / "args.json"
    code = main(["-F", str(RECIPES / "args_styles.py"), "compat.args-tuples", str(out),
                 "--label", "ORG, PERSON", "-e", "old,older", "-lo", "jsonl", "-n", "4", "-U"])
    assert code == 0, capsys.readouterr().err
    assert json.loads(out.read_text()) == {"label": ["ORG", "PERSON"], "exclude": ["old", "older"],
                                           "loader": "jsonl", "count": 4, "unsegmented": True}


def test_defaults_stay_as_the_recipe_wrote_them(tmp_path, capsys):
    out = tmp_path / "args.json"
    assert main(["-F", str(RECIPES / "args_styles.py"), "compat.args-tuples", str(out)]) == 0
    assert json.loads(out.read_text()) == {"label": None, "exclude": None, "loader": None,
                                           "count": 1, "unsegmented": False}


def test_arg_annotations_with_a_converter_and_a_flag(tmp_path, capsys):
    out = tmp_path / "args.json"
    code = main(["-F", str(RECIPES / "args_styles.py"), "compat.args-arg", str(out), "-l", "A,B",
                 "-v", "--size", "7"])
    assert code == 0, capsys.readouterr().err
    assert json.loads(out.read_text()) == {"label": ["A", "B"], "verbose": True, "size": 7}


def test_a_recipe_returning_none_exits_0_and_saves_nothing(tmp_path, capsys):
    out = tmp_path / "args.json"
    code = main(["-F", str(RECIPES / "args_styles.py"), "compat.args-arg", str(out),
                 "--db", str(tmp_path / "db")])
    assert code == 0 and out.is_file()
    assert not (tmp_path / "db").exists()


def test_a_recipe_file_replaces_the_built_in_of_the_same_name(tmp_path):
    # run in a child: the recipe registry is per process
    recipe_file = tmp_path / "mine.py"
    recipe_file.write_text(
        "import al_ner\n"
        "@al_ner.recipe('ner.manual', out=('File', 'positional', None, str))\n"
        "def mine(out):\n"
        "    open(out, 'w').write('mine')\n")
    out = tmp_path / "out.txt"
    proc = subprocess.run([sys.executable, "-m", "al_ner", "-F", str(recipe_file), "ner.manual",
                           str(out)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert out.read_text() == "mine"
    assert proc.stderr.strip() == (f"ℹ Recipe 'ner.manual' from {recipe_file} replaces al-ner's "
                                   "built-in recipe of that name")
