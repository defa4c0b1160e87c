"""Recipes that record the arguments they are given and return None: Prodigy's two documented
ways of annotating recipe arguments (plac tuples, and Arg from 1.12 on), with converters."""

import json
from typing import List, Optional

import al_ner
from al_ner.recipe import Arg


def comma_list(value):
    return [part.strip() for part in value.split(",") if part.strip()]


@al_ner.recipe(
    "compat.args-tuples",
    out=("File to write the arguments to", "positional", None, str),
    label=("One or more comma-separated labels", "option", "l", comma_list),
    exclude=("Datasets to exclude", "option", "e", comma_list),
    loader=("Loader", "option", "lo", str),
    count=("A number", "option", "n", int),
    unsegmented=("Don't split sentences", "flag", "U", bool),
)
def args_tuples(out: str, label: Optional[List[str]] = None, exclude: Optional[List[str]] = None,
                loader: Optional[str] = None, count: int = 1, unsegmented: bool = False):
    with open(out, "w") as file:
        json.dump({"label": label, "exclude": exclude, "loader": loader, "count": count,
                   "unsegmented": unsegmented}, file)


@al_ner.recipe(
    "compat.args-arg",
    out=Arg(help="File to write the arguments to"),
    label=Arg("--label", "-l", help="Comma-separated labels", converter=comma_list),
    verbose=Arg("--verbose", "-v", help="Say more"),
    size=Arg("--size", help="A number"),
)
def args_arg(out: str, label: Optional[List[str]] = None, verbose: bool = False, size: int = 3):
    with open(out, "w") as file:
        json.dump({"label": label, "verbose": verbose, "size": size}, file)
    return None
