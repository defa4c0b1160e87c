"""The Typer app every command module adds itself to."""

from __future__ import annotations

import inspect
from typing import Annotated, Optional

import typer

app = typer.Typer(
    name="al-ner",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

@app.callback()
def _main(
    recipe_file: Annotated[Optional[list[str]], typer.Option(
        "-F", metavar="FILE", show_default=False,
        help="Python file with @recipe functions to load (repeatable; anywhere on the line)")] = None,
) -> None:
    """Prodigy-compatible NER annotation on spaCy, and experiments that show whether active
    learning helps or hurts."""
    # `-F FILE` is taken off the command line by cli.main before Click parses it; declared
    # here so that `al-ner --help` lists it.


def full_short_help() -> None:
    """Give every command its whole summary line in `al-ner --help` (Click cuts it with ...)."""
    groups = [group.typer_instance for group in app.registered_groups if group.typer_instance]
    for info in [*app.registered_commands, *(i for g in groups for i in g.registered_commands)]:
        doc = inspect.getdoc(info.callback) if info.callback else None
        if info.short_help is None and doc:
            info.short_help = doc.splitlines()[0]


DB_OPTION_HELP = "Database directory (default: $AL_NER_DB or ~/.al_ner/db)"


def say(message: str) -> None:
    """A progress line on stderr (stdout stays clean for data)."""
    typer.echo(message, err=True)


def split_names(value: str) -> list[str]:
    """A comma-separated option (datasets, labels) as a list, blanks dropped."""
    return [name.strip() for name in value.split(",") if name.strip()]
