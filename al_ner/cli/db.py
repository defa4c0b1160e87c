"""The db commands: db-in, db-out, stats, drop. They parse flags and print; dbio does the work."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated

import typer

from .. import dbio
from ..storage import get_db
from ._app import DB_OPTION_HELP, app

DbOption = Annotated[str | None, typer.Option("--db", help=DB_OPTION_HELP, show_default=False)]
DatasetArg = Annotated[str, typer.Argument(help="Dataset name", show_default=False)]


@app.command("db-in")
def db_in_cli(
    dataset: Annotated[str, typer.Argument(help="Dataset to import into (created if new)")],
    in_file: Annotated[str, typer.Argument(help="JSONL file of Prodigy tasks, or - for stdin")],
    db: DbOption = None,
    answer: Annotated[str | None, typer.Option(
        "--answer", help="Answer for tasks that have none: accept, reject or ignore")] = None,
    rehash: Annotated[bool, typer.Option(
        "--rehash", help="Recompute _input_hash and _task_hash of every task (a recomputed "
        "_task_hash is of the answered spans, so it won't match Prodigy's)")] = False,
    skip_invalid: Annotated[bool, typer.Option(
        "--skip-invalid", help="Skip and count invalid lines (blank texts, ...) instead of "
        "importing nothing")] = False,
) -> None:
    """Import a Prodigy JSONL export into a dataset (all of it, or nothing on a bad line).

    Tasks whose _task_hash the dataset already holds are skipped, so importing twice adds nothing.
    """
    report = dbio.import_file(get_db(db), dataset, in_file, answer=answer, rehash=rehash,
                              skip_invalid=skip_invalid)
    typer.echo(f"✔ Imported {report.imported} examples to '{dataset}'")
    if report.existing:
        typer.echo(f"  ℹ skipped {report.existing} already in '{dataset}' (same _task_hash) "
                   "from the same session")
    if report.invalid:
        blank = f", {report.blank} with a blank text" if report.blank else ""
        typer.echo(f"  ⚠ skipped {report.invalid} invalid line{'s' if report.invalid != 1 else ''}"
                   f"{blank}; first: {report.messages[0]}")


@app.command("db-out")
def db_out_cli(
    dataset: DatasetArg,
    out_file: Annotated[str | None, typer.Argument(
        help="JSONL file to write (default or -: stdout)", show_default=False)] = None,
    db: DbOption = None,
    every: Annotated[bool, typer.Option(
        "--all", help="Every saved line, including answers superseded by the same session's "
                      "later one (undo)")] = False,
) -> None:
    """Export a dataset as JSONL: the effective answers (last per _task_hash), or --all lines."""
    database = get_db(db)
    if out_file in (None, dbio.STDIO):
        _echo_lines(dbio.export_lines(database, dataset, every=every))
        return
    count = dbio.export_file(database, dataset, out_file, every=every)
    typer.echo(f"✔ Exported {count} examples from '{dataset}' to {out_file}", err=True)


@app.command("stats")
def stats_cli(
    dataset: Annotated[str | None, typer.Argument(
        help="Dataset to describe (default: list every dataset)", show_default=False)] = None,
    db: DbOption = None,
) -> None:
    """Show the datasets of a database, or the answers, sessions and labels of one dataset."""
    database = get_db(db)
    if dataset is None:
        _print_database(database.path, dbio.database_stats(database))
    else:
        _print_dataset(dbio.dataset_stats(database, dataset))


@app.command("drop")
def drop_cli(dataset: DatasetArg, db: DbOption = None) -> None:
    """Delete a dataset and all its answers."""
    database = get_db(db)
    count = database.count(dataset)
    database.drop(dataset)
    typer.echo(f"✔ Removed dataset '{dataset}' ({count} examples)")


def _echo_lines(lines: Iterable[str]) -> None:
    try:
        for line in lines:
            typer.echo(line)
        sys.stdout.flush()
    except BrokenPipeError:  # `al-ner db-out x | head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _print_database(path: Path, rows: list[tuple[str, int]]) -> None:
    typer.echo(f"Database {path}")
    if not rows:
        typer.echo("  no datasets yet")
        return
    width = max((len(name) for name, _ in rows), default=0)
    for name, count in rows:
        typer.echo(f"  {name:<{width}}  {count:>8}")


def _print_dataset(stats: dbio.DatasetStats) -> None:
    typer.echo(f"Dataset '{stats.name}' ({stats.path})")
    superseded = stats.total - stats.in_force
    typer.echo(f"  examples  {stats.total} ({stats.unique_tasks} tasks, {stats.in_force} answers in "
               f"force, {superseded} superseded by the same session's later answer)")
    for answer, count in stats.answers.items():
        typer.echo(f"  {answer:<8}  {count}")
    sessions = ", ".join(f"{name} ({count})" for name, count in stats.sessions.items())
    typer.echo(f"  sessions  {len(stats.sessions)}{': ' + sessions if sessions else ''}")
    typer.echo(f"  first     {_format_time(stats.first)}")
    typer.echo(f"  last      {_format_time(stats.last)}")
    typer.echo(f"  labels    {len(stats.labels)}")
    for label, counts in stats.labels.items():
        detail = ", ".join(f"{answer} {count}" for answer, count in counts.items() if count)
        total = sum(counts.values())
        typer.echo(f"    {label}: {total} span{'' if total == 1 else 's'} ({detail})")
    if stats.agreement is not None:
        _print_annotators(stats.annotators, stats.agreement)


def _print_annotators(annotators: dict[str, dict[str, int]], agreement: dbio.Agreement) -> None:
    typer.echo(f"  annotators {len(annotators)}")
    for name, counts in annotators.items():
        detail = ", ".join(f"{answer} {count}" for answer, count in counts.items() if count)
        typer.echo(f"    {name}: {sum(counts.values())} ({detail})")
    if not agreement.items:
        typer.echo("  agreement  no question was answered by two annotators")
        return
    typer.echo(f"  agreement  {agreement.unanimous} of {agreement.items} questions answered by "
               f"two or more annotators agree ({agreement.unanimous / agreement.items:.0%})")
    for (a, b), (agree, both) in agreement.pairs.items():
        typer.echo(f"    {a} ~ {b}: {agree} of {both} ({agree / both:.0%})")


def _format_time(timestamp: int | None) -> str:
    if timestamp is None:
        return "-"
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
