"""print-dataset and print-stream: the entities of a dataset or a source, in the terminal."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterable
from typing import Annotated, Optional

import typer

from ..annotators.terminal import Mark, plain_mark, render
from ..constants import ANSWER, ANSWERS, FLAGGED
from ..errors import ConfigError
from ..storage import get_db
from ..stream.loaders import loader_help
from ..types import Task
from ._app import DB_OPTION_HELP, app, split_names

ANSWER_MARKS = {"accept": "✓", "reject": "✗", "ignore": "⊘"}
COLORS = ("blue", "magenta", "cyan", "green", "yellow", "red")
Color = Annotated[Optional[bool], typer.Option(
    "--color/--no-color", help="Colour the entities (default: when printing to a terminal)",
    show_default=False)]
Limit = Annotated[Optional[int], typer.Option("--limit", help="Print at most this many")]


def color_mark(labels: list[str]) -> Mark:
    """Entities as coloured blocks with their label, one colour per label."""
    def mark(text: str, label: str) -> str:
        if label not in labels:
            labels.append(label)
        color = COLORS[labels.index(label) % len(COLORS)]
        return typer.style(f" {text} ", bg=color, fg="white", bold=True) + \
            typer.style(f"{label} ", fg=color, bold=True)
    return mark


def _echo_tasks(tasks: Iterable[Task], color: bool | None, limit: int | None, *,
                answers: bool) -> None:
    colored = sys.stdout.isatty() if color is None else color
    mark = color_mark([]) if colored else plain_mark
    for task in itertools.islice(tasks, limit):
        prefix = f"{ANSWER_MARKS.get(task.get(ANSWER, ''), '?')} " if answers else ""
        flag = "  ⚑" if task.get(FLAGGED) else ""
        typer.echo(prefix + render(task, mark) + flag, color=colored)


@app.command("print-dataset")
def print_dataset_cli(
    dataset: Annotated[str, typer.Argument(help="Dataset to print")],
    db: Annotated[str | None, typer.Option("--db", help=DB_OPTION_HELP, show_default=False)] = None,
    answer: Annotated[str, typer.Option("--answer", help="Only these answers, comma-separated")] = "",
    color: Color = None, limit: Limit = None,
) -> None:
    """Print a dataset's answers with their entities highlighted (latest answer per question)."""
    wanted = split_names(answer) or list(ANSWERS)
    unknown = [a for a in wanted if a not in ANSWERS]
    if unknown:
        raise ConfigError(f"unknown --answer {', '.join(unknown)}; choose from {', '.join(ANSWERS)}")
    tasks = (t for t in get_db(db).get_answers(dataset) if t.get(ANSWER) in wanted)
    _echo_tasks(tasks, color, limit, answers=True)


@app.command("print-stream")
def print_stream_cli(
    source: Annotated[str, typer.Argument(help="Source file (as the recipes read it), '-' for stdin")],
    loader: Annotated[str | None, typer.Option("--loader", help=loader_help())] = None,
    model: Annotated[str | None, typer.Option("--model", help="Show this pipeline's entities instead")] = None,
    label: Annotated[str, typer.Option("--label", help="With --model: only these labels")] = "",
    color: Color = None, limit: Limit = None,
) -> None:
    """Print a source's tasks with their entities (or a model's predictions) highlighted."""
    from ..models import load_model
    from ..predict import add_model_spans
    from ..stream import get_stream

    tasks = get_stream(source, loader=loader)
    if model:
        tasks = add_model_spans(load_model(model), itertools.islice(tasks, limit),
                                labels=split_names(label))
    _echo_tasks(tasks, color, limit, answers=False)
