"""One CLI command per registered recipe, plus the options that choose who answers."""

from __future__ import annotations

import inspect
from typing import Annotated, Any, Optional

import typer

from ..controller import Controller, SessionReport, run_components
from ..health import describe_session
from ..recipe import load_builtin_recipes
from ..recipe_components import check_components
from ..registry import recipes
from ..settings import effective_config, web_auth
from ..storage import using_db
from ..types import Components
from ._app import DB_OPTION_HELP, app
from .recipe_args import recipe_parameters

_SESSION_PARAMS: dict[str, tuple[Any, Any]] = {
    "annotator": (Annotated[str, typer.Option(
        help="Who answers: web (a person in the browser), terminal, or gold (simulated from --gold)")], "web"),
    "gold": (Annotated[Optional[str], typer.Option(help="Gold data for --annotator gold")], None),
    "gold_loader": (Annotated[Optional[str], typer.Option(help="Loader of the gold data, e.g. conll")], None),
    "noise": (Annotated[float, typer.Option(help="Gold annotator: chance that a decision is wrong")], 0.0),
    "annotator_seed": (Annotated[int, typer.Option(help="Gold annotator: seed of its noise")], 0),
    "limit": (Annotated[Optional[int], typer.Option(help="Stop after this many answers")], None),
    "batch_size": (Annotated[Optional[int], typer.Option(
        help="Questions per batch (answers saved per batch); default: the recipe's or prodigy.json's "
             "batch_size, else 10")], None),
    "session": (Annotated[Optional[str], typer.Option(help="Session id stored with each answer")], None),
    "feed_overlap": (Annotated[bool, typer.Option(
        "--feed-overlap", help="Web: every named session (?session=NAME) is asked every question "
                               "(default: each question goes to one of them)")], False),
    "db": (Annotated[Optional[str], typer.Option(help=DB_OPTION_HELP)], None),
    "host": (Annotated[Optional[str], typer.Option(
        help="Web annotator: address to bind (default: $PRODIGY_HOST, prodigy.json's host, else "
             "127.0.0.1)")], None),
    "port": (Annotated[Optional[int], typer.Option(
        help="Web annotator: port (default: $PRODIGY_PORT, prodigy.json's port, else 8080)")], None),
}


def _annotator_options(options: dict[str, Any]) -> dict[str, Any]:
    name = options["annotator"]
    if name == "gold":
        return {"gold": options["gold"], "gold_loader": options["gold_loader"],
                "noise": options["noise"], "seed": options["annotator_seed"]}
    if name == "web":  # host and port: the session's config (see _session_config)
        return {"auth": web_auth(),
                "on_ready": lambda url: typer.echo(f"✨ Annotate at {url}  (Ctrl-C to stop)")}
    return {}


def _session_config(components: Components | Controller,
                    options: dict[str, Any]) -> Components | Controller:
    """The recipe's components with its config overlaid by prodigy.json and PRODIGY_* (settings)
    and by this command's flags; the lines check_components has to say go to stderr now.
    A Controller the recipe returns is taken as it is (its config is made)."""
    if isinstance(components, Controller):
        for note in components.notes:
            typer.echo(note, err=True)
        return components
    for notice in components.get("notices") or []:
        typer.echo(f"ℹ {notice}")
    config = effective_config(components.get("config"))
    flags = ("batch_size", "host", "port")
    config.update({key: options[key] for key in flags if options[key] is not None})
    if options["feed_overlap"]:
        config["feed_overlap"] = True
    checked, notes = check_components({**components, "config": config})
    for note in notes:
        typer.echo(note, err=True)
    return checked


def _summary(report: SessionReport) -> str:
    counts = ", ".join(f"{n} {answer}" for answer, n in report.counts.items())
    line = f"✔ Saved {report.answered} answers to '{report.dataset}' ({counts})"
    if report.skipped_invalid:
        line += f"; skipped {report.skipped_invalid} invalid records"
    if report.exhausted:
        line += "; no more questions in the source"
    refused = report.annotator_stats.get("refused")
    if refused:
        line += f"; {refused} answers refused (they stay unanswered)"
    missing, asked = report.annotator_stats.get("not_in_gold"), report.annotator_stats.get("questions")
    if missing:
        line += (f"; {missing} of {asked} questions aren't in the gold data (answered 'ignore'): give "
                 "--gold the same texts as the source (a tokenized gold matches a tokenized source)")
    if report.empty:
        line += "\n" + _empty_line(report)
    for mark, text in describe_session(report.health):
        line += f"\n{mark} {text}"
    return line


def _empty_line(report: SessionReport) -> str:
    """Why the session had no question at all: an empty source, or none of its texts asked."""
    source = f"{report.source} " if report.source else "it "
    if report.source_records == 0:
        return f"⚠ The source is empty: {source}holds no texts; check the path (and --loader)"
    n = report.source_records
    texts = f" ({n} text{'' if n == 1 else 's'})" if n else ""
    return (f"⚠ No question came from the source{texts}: check it, --loader, --label (and "
            "--skip-invalid's count)")


def _command(name: str, func: Any) -> None:
    params = recipe_parameters(func)
    own = {p.name for p in params}  # a recipe that reads datasets takes `db` itself: shared
    session = [inspect.Parameter(key, inspect.Parameter.KEYWORD_ONLY, annotation=ann, default=default)
               for key, (ann, default) in _SESSION_PARAMS.items() if key not in own]

    def command(**kwargs: Any) -> None:
        options = {key: kwargs[key] if key in own else kwargs.pop(key) for key in _SESSION_PARAMS}
        with using_db(options["db"]):  # a recipe's connect() is this command's --db
            components = func(**kwargs)
            if components is None:  # a recipe that did its work itself (Prodigy: exit quietly)
                return
            components = _session_config(components, options)
            report = run_components(components, annotator=options["annotator"],
                                    annotator_options=_annotator_options(options), db=options["db"],
                                    limit=options["limit"], session_id=options["session"],
                                    catch_interrupt=True)
        typer.echo(_summary(report))
        for note in report.notes:
            typer.echo(note)
        if report.interrupted:
            typer.echo("Interrupted: every answer given so far is saved.", err=True)
            raise typer.Exit(130)

    command.__al_ner_recipe__ = func  # type: ignore[attr-defined]
    command.__signature__ = inspect.Signature(params + session)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in params + session}
    doc = inspect.getdoc(func) or name
    app.command(name, help=doc, short_help=doc.splitlines()[0])(command)


def register_recipe_commands() -> None:
    """Add a command for every recipe registered so far (built-ins and -F files)."""
    load_builtin_recipes()
    existing = {c.name: c for c in app.registered_commands}
    for name, func in sorted(recipes.get_all().items()):
        info = existing.get(name)
        if info is not None and getattr(info.callback, "__al_ner_recipe__", func) is func:
            continue  # made from this function already (or a command of that name)
        if info is not None:  # a -F recipe replacing one registered before
            app.registered_commands.remove(info)
        _command(name, func)
