"""A recipe's parameters as Typer parameters: from its type hints, or from Prodigy-style argument
tuples (`@recipe("name", arg=(help, "positional"|"option"|"flag", shortcut, type))`)."""

from __future__ import annotations

import inspect
import typing
from typing import Annotated, Any

import typer

from ..errors import RecipeError
from ..recipe import RecipeFunc

_KINDS = ("positional", "option", "flag")


def recipe_parameters(func: RecipeFunc) -> list[inspect.Parameter]:
    """The recipe's parameters with Typer annotations, from type hints or Prodigy tuples."""
    hints = typing.get_type_hints(func, include_extras=True)
    plac = getattr(func, "__al_ner_plac__", {})
    params = []
    for param in inspect.signature(func).parameters.values():
        annotation = hints.get(param.name, str)
        if param.name in plac:
            annotation = _from_plac(param, plac[param.name])
        params.append(param.replace(annotation=annotation, kind=inspect.Parameter.KEYWORD_ONLY))
    return params


def _from_plac(param: inspect.Parameter, spec: tuple) -> Any:
    help_, kind, shortcut, type_ = (tuple(spec) + (None,) * 4)[:4]
    kind = kind or ("positional" if param.default is inspect.Parameter.empty else "option")
    if kind not in _KINDS:
        raise RecipeError(f"argument '{param.name}' has kind {kind!r}; use one of: {', '.join(_KINDS)}")
    if kind == "positional":
        return Annotated[type_ or str, typer.Argument(help=help_)]
    names = [f"--{param.name.replace('_', '-')}"] + ([f"-{shortcut}"] if shortcut else [])
    if kind == "flag":
        return Annotated[bool, typer.Option(*names, help=help_)]
    return Annotated[type_ or str, typer.Option(*names, help=help_)]
