"""Shared bits of the experiment's `python -m al_ner.experiment.<step>` scripts."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import typer

from ..errors import AlNerError


def run(func: Callable[..., Any]) -> None:
    """Run `func` as a Typer command; a user error becomes one red line and exit status 1."""
    try:
        typer.run(func)
    except AlNerError as err:
        typer.secho(f"✘ {err}", fg="red", err=True)
        sys.exit(1)


def say(message: str) -> None:
    """A progress line on stderr (stdout stays clean for data)."""
    typer.echo(message, err=True)
