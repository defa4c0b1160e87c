"""The @recipe decorator: register a function that returns a components dict.

Recipes type their parameters with ``Annotated[..., typer.Argument/Option(...)]``; Prodigy's
argument annotations work too, so recipes written for Prodigy need only their import changed:
plac tuples ``arg=(help, "positional"|"option"|"flag", shortcut, type_or_converter)`` and, from
Prodigy 1.12 on, ``arg=Arg("--option", "-o", help=..., converter=...)``. A converter (any callable
that isn't a plain type, e.g. `split_string`) turns the command-line string into the value. The
command line turns either into its options (al_ner/cli/recipe_args.py); nothing here depends on it.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import RecipeError
from .registry import filled, recipes
from .types import Components

RecipeFunc = Callable[..., Components | None]


@dataclass(frozen=True)
class Arg:
    """A recipe argument as Prodigy 1.12+ declares it: positional without `option`, else an
    option (a flag when the parameter is annotated `bool`); `converter` parses its string."""

    option: str | None = None
    short: str | None = None
    help: str | None = None
    count: bool = False
    converter: Callable[[str], Any] | None = None


def recipe(name: str, **plac_args: tuple | Arg) -> Callable[[RecipeFunc], RecipeFunc]:
    """Register `func` as recipe `name` (Prodigy-style argument annotations optional)."""

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


def load_recipe_file(path: str) -> list[str]:
    """Import a Python file so that its @recipe functions register (``-F path/to/recipe.py``).

    Its recipes take precedence over the built-in ones of the same name: returns those names.
    """
    file = Path(path)
    if not file.is_file():
        raise RecipeError(f"recipe file '{path}' not found; pass the path of a .py file with -F")
    spec = importlib.util.spec_from_file_location(f"al_ner_user_recipes_{file.stem}", file)
    if spec is None or spec.loader is None:
        raise RecipeError(f"can't import recipe file '{path}'; it must be a Python (.py) file")
    load_builtin_recipes()  # first, so that the file's recipes replace them, not the other way
    before = dict(recipes.get_all())
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as err:
        raise RecipeError(f"recipe file '{path}' failed to import: {type(err).__name__}: {err}") from err
    builtin = [name for name, func in before.items()
               if getattr(func, "__module__", "").startswith("al_ner.recipes")]
    return sorted(name for name in builtin if recipes.get(name) is not before[name])
