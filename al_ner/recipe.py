"""The @recipe decorator: register a function that returns a components dict.

Recipes type their parameters with ``Annotated[..., typer.Argument/Option(...)]``; Prodigy's
argument annotations work too, so recipes written for Prodigy need only their import changed:
plac tuples ``arg=(help, "positional"|"option"|"flag", shortcut, type_or_converter)`` and, from
Prodigy 1.12 on, ``arg=Arg("--option", "-o", help=..., converter=...)``. A converter (any callable
that isn't a plain type, e.g. `split_string`) turns the command-line string into the value.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from .errors import RecipeError
from .registry import filled, recipes
from .types import Components

RecipeFunc = Callable[..., Components | None]
_KINDS = ("positional", "option", "flag")
_PLAIN_TYPES = (str, int, float, bool, Path)


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


def recipe_parameters(func: RecipeFunc) -> list[inspect.Parameter]:
    """The recipe's parameters with Typer annotations, from type hints or Prodigy tuples."""
    try:
        hints = typing.get_type_hints(func, include_extras=True)
    except Exception:  # an annotation naming something the recipe file never imported
        hints = {}
    plac = getattr(func, "__al_ner_plac__", {})
    params = []
    for param in inspect.signature(func).parameters.values():
        annotation = hints.get(param.name, str)
        if param.name in plac:
            annotation = _from_plac(param, plac[param.name], _plain_hint(annotation))
        params.append(param.replace(annotation=annotation, kind=inspect.Parameter.KEYWORD_ONLY))
    return params


def _plain_hint(annotation: Any) -> Any:
    """`Optional[X]` as X: Typer reads None defaults itself."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
        return args[0]
    return annotation


def _from_plac(param: inspect.Parameter, spec: tuple | Arg, hint: Any = str) -> Any:
    if isinstance(spec, Arg):
        return _from_arg(param, spec, hint)
    help_, kind, shortcut, type_ = (tuple(spec) + (None,) * 4)[:4]
    kind = "option" if kind == "options" else kind  # a slip some published recipes carry
    kind = kind or ("positional" if param.default is inspect.Parameter.empty else "option")
    if kind not in _KINDS:
        raise RecipeError(f"argument '{param.name}' has kind {kind!r}; use one of: {', '.join(_KINDS)}")
    if kind == "flag":
        return Annotated[bool, typer.Option(*_names(param, shortcut), help=help_)]
    annotation, parser = _converted(type_, hint)
    if kind == "positional":
        return Annotated[annotation, typer.Argument(help=help_, parser=parser)]
    return Annotated[annotation, typer.Option(*_names(param, shortcut), help=help_, parser=parser)]


def _from_arg(param: inspect.Parameter, arg: Arg, hint: Any) -> Any:
    annotation, parser = _converted(arg.converter, hint)
    if arg.option is None:
        return Annotated[annotation, typer.Argument(help=arg.help, parser=parser)]
    names = [arg.option] + ([arg.short] if arg.short else [])
    if arg.count:
        return Annotated[int, typer.Option(*names, help=arg.help, count=True)]
    if hint is bool:
        return Annotated[bool, typer.Option(*names, help=arg.help)]
    return Annotated[annotation, typer.Option(*names, help=arg.help, parser=parser)]


def _names(param: inspect.Parameter, shortcut: str | None) -> list[str]:
    return [f"--{param.name.replace('_', '-')}"] + ([f"-{shortcut}"] if shortcut else [])


def _converted(type_: Any, hint: Any) -> tuple[Any, Callable[[str], Any] | None]:
    """(annotation, parser) for Typer: a plain type as itself, any other callable as a parser;
    without either, the parameter's own annotation if Typer reads it (else str)."""
    if type_ is None:
        plain = hint in _PLAIN_TYPES or typing.get_origin(hint) in (list, typing.List)  # noqa: UP006
        return (hint if plain else str), None
    if type_ in _PLAIN_TYPES:
        return type_, None
    if not callable(type_):
        raise RecipeError(f"argument type {type_!r} is neither a type nor a converter function")
    return Any, type_


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
