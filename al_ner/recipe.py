"""The @recipe decorator: register a function that returns a components dict.

Recipes type their parameters with ``Annotated[..., typer.Argument/Option(...)]``; Prodigy-style
``@recipe("name", arg=(help, "positional"|"option"|"flag", shortcut, type))`` annotations work too,
so recipes written for Prodigy need only their import changed.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from .errors import RecipeError
from .registry import filled, recipes
from .types import Components

RecipeFunc = Callable[..., Components]
_KINDS = ("positional", "option", "flag")


def recipe(name: str, **plac_args: tuple) -> Callable[[RecipeFunc], RecipeFunc]:
    """Register `func` as recipe `name` (Prodigy-style argument tuples optional)."""

    def register(func: RecipeFunc) -> RecipeFunc:
        func.__al_ner_plac__ = plac_args  # type: ignore[attr-defined]
        recipes.register(name, func=func)
        return func

    return register


def get_recipe(name: str) -> RecipeFunc:
    """The registered recipe `name`, or a RecipeError listing the recipes there are."""
    load_builtin_recipes()
    try:
        return recipes.get(name)
    except Exception:
        names = ", ".join(sorted(recipes.get_all()))
        raise RecipeError(f"unknown recipe '{name}'; choose one of: {names} "
                          "(or load your own with -F recipe.py)") from None


def load_builtin_recipes() -> None:
    """Register the recipes shipped in al_ner.recipes (imported by name: core doesn't depend on them)."""
    filled(recipes)


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


def load_recipe_file(path: str) -> None:
    """Import a Python file so that its @recipe functions register (``-F path/to/recipe.py``)."""
    file = Path(path)
    if not file.is_file():
        raise RecipeError(f"recipe file '{path}' not found; pass the path of a .py file with -F")
    spec = importlib.util.spec_from_file_location(f"al_ner_user_recipes_{file.stem}", file)
    if spec is None or spec.loader is None:
        raise RecipeError(f"can't import recipe file '{path}'; it must be a Python (.py) file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as err:
        raise RecipeError(f"recipe file '{path}' failed to import: {type(err).__name__}: {err}") from err
