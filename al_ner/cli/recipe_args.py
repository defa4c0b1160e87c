"""A recipe's parameters as Typer parameters: from its type hints, or from Prodigy's argument
annotations (plac tuples `arg=(help, "positional"|"option"|"flag", shortcut, type_or_converter)`,
and Prodigy 1.12's `arg=Arg("--option", "-o", help=..., converter=...)`)."""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import RecipeError
from ..recipe import Arg, RecipeFunc

_KINDS = ("positional", "option", "flag")
_PLAIN_TYPES = (str, int, float, bool, Path)


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
