"""The Typer app every command module adds itself to."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="al-ner",
    help="Prodigy-compatible NER annotation on spaCy, and experiments that show whether "
         "active learning helps or hurts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

DB_OPTION_HELP = "Database directory (default: $AL_NER_DB or ~/.al_ner/db)"


def split_names(value: str) -> list[str]:
    """A comma-separated option (datasets, labels) as a list, blanks dropped."""
    return [name.strip() for name in value.split(",") if name.strip()]
