"""Command-line entry point: ``al-ner`` and ``python -m al_ner``."""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Sequence

import typer

from ..errors import AlNerError
from ..recipe import load_recipe_file
from ..settings import log_level
from ._app import app, full_short_help

# Command modules register themselves on `app` when imported.
_COMMAND_MODULES = ("db", "data_to_spacy", "train", "show", "diagnose", "score", "experiment", "compare")


def register_recipe_commands() -> None:
    from .recipes import register_recipe_commands as register

    register()


def _load_commands() -> None:
    for name in _COMMAND_MODULES:
        try:
            importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as err:
            if err.name != f"{__name__}.{name}":
                raise


def _recipe_files(args: list[str]) -> tuple[list[str], list[str]]:
    """Split ``-F FILE`` (any number, anywhere) from the other arguments."""
    files, rest, it = [], [], iter(args)
    for arg in it:
        if arg == "-F":
            files.append(next(it, ""))
        elif arg.startswith("-F") and len(arg) > 2:
            files.append(arg[2:])
        else:
            rest.append(arg)
    return files, rest


def _log_to_stderr() -> None:
    """Show al-ner's (and recipes') log lines when $PRODIGY_LOGGING asks for them."""
    level = log_level()
    logger = logging.getLogger("al_ner")
    if level is None or any(getattr(h, "al_ner", False) for h in logger.handlers):
        return
    handler = logging.StreamHandler()
    handler.al_ner = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; user errors become one line on stderr and a non-zero exit."""
    files, args = _recipe_files(list(sys.argv[1:] if argv is None else argv))
    try:
        _log_to_stderr()
        _load_commands()
        for file in files:
            for name in load_recipe_file(file):
                typer.secho(f"ℹ Recipe '{name}' from {file} replaces al-ner's built-in recipe of "
                            "that name", err=True)
        register_recipe_commands()
        full_short_help()
        command = typer.main.get_command(app)
        # standalone mode: Click reports its own usage errors; ours propagate to here.
        command.main(args=args, prog_name="al-ner", standalone_mode=True)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except AlNerError as err:
        typer.secho(f"✘ {err}", fg="red", err=True)
        return 1
    except KeyboardInterrupt:
        typer.secho("Interrupted: every answer given so far is saved.", err=True)
        return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
