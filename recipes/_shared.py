"""Argument types and stream steps the built-in NER recipes share."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Annotated, Any, Optional

import typer
from spacy.language import Language

from al_ner import registry
from al_ner.errors import ConfigError
from al_ner.models import check_labels, get_ner, unknown_labels
from al_ner.sorters import ALGORITHMS
from al_ner.strategies import strategy_aliases
from al_ner.stream import SkipCounter, add_tokens, get_stream, loader_help, split_sentences
from al_ner.stream.patterns import PatternMatcher, read_patterns
from al_ner.stream.progress import SourceProgress
from al_ner.types import Sorter, Stream, Task

Dataset = Annotated[str, typer.Argument(help="Dataset to save the answers to")]
Model = Annotated[str, typer.Argument(help="spaCy pipeline: package name, directory or blank:en")]
Source = Annotated[str, typer.Argument(
    help="Source: .jsonl/.json/.csv/.txt/.conll file, '-' for stdin, dataset:NAME, or a datasets id/dir")]
Labels = Annotated[str, typer.Option("--label", "-l", show_default=False,
                                     help="Label(s) to annotate, comma-separated")]
Loader = Annotated[Optional[str], typer.Option("--loader", help=loader_help())]
Unsegmented = Annotated[bool, typer.Option("--unsegmented", "-U", help="Don't split texts into sentences")]
Exclude = Annotated[str, typer.Option(
    "--exclude", "-e", help="Comma-separated datasets whose examples are not asked again")]
Order = Annotated[str, typer.Option(
    "--order", help="source (as the file), random (with --seed: the baseline), uncertain (active "
    "learning: by default the adaptive strategy, random always among its arms)")]
Seed = Annotated[int, typer.Option("--seed", help="Random seed: --order random, the adaptive "
                                   "strategy's draws, the control questions and the stop set")]
Window = Annotated[int, typer.Option(
    "--window", help="With --order uncertain: rank this many sentences at a time (0: the whole source)")]
SorterName = Annotated[str, typer.Option(
    "--sorter", help="Which questions ner.teach asks: ema (uncertainty >= moving mean + 1 sd, as "
    "Prodigy describes its default), probability (chance = uncertainty, at least 0.05), mean "
    "(>= moving mean: al-ner's v1 'ema'); see docs/sorters.md")]
Bias = Annotated[float, typer.Option(
    "--bias", help="Move the centre of the uncertainty from 0.5 to 0.5 + bias (0.2: prefer "
    "scores near 0.7)")]
StrategyName = Annotated[str, typer.Option(
    "--strategy", help="With --order uncertain: the query strategy, a registered name or an alias "
    f"({', '.join(strategy_aliases())}); default: adaptive (a bandit over random, mnlp, hybrid and "
    "kcenter that learns which pays on your data); see docs/strategies.md")]
StrategySettings = Annotated[str, typer.Option(
    "--strategy-settings", help='The strategy\'s settings as a JSON object, e.g. \'{"epsilon": 0.2}\'')]
Subsequence = Annotated[bool, typer.Option(
    "--subsequence", help="Ask only the uncertain part of each sentence; the rest keeps the "
    "model's entities (cost: the tokens asked)")]
Control = Annotated[float, typer.Option(
    "--control", help="Share of questions that are random control questions answered as full "
    "spans (0.1: one in ten), for a live estimate of the model's F1 (the health check)")]
ControlBase = Annotated[str, typer.Option(
    "--control-base", help="Pipeline the health check compares with (default: the model as "
    "loaded at the start of the session)")]
TextColumn = Annotated[Optional[str], typer.Option(
    "--text-column", help="CSV sources: the column holding the text (default: text)")]
Patterns = Annotated[Optional[str], typer.Option(
    "--patterns", help="JSONL match patterns (Prodigy's format: token or phrase patterns) whose "
    "matches are pre-highlighted (ner.manual, ner.correct) or proposed (ner.teach)")]
PreScored = Annotated[bool, typer.Option(
    "--pre-scored", help="With --order uncertain: SOURCE holds sentences `al-ner score` wrote; rank them "
    "by their meta.score instead of scoring here")]
SkipInvalid = Annotated[bool, typer.Option(
    "--skip-invalid", help="Skip and count invalid records instead of stopping at the first")]

DbDir = Annotated[Optional[str], typer.Option(
    "--db", help="Database directory (default: $AL_NER_DB or ~/.al_ner/db)")]
Datasets = Annotated[str, typer.Argument(help="Dataset(s) to read, comma-separated")]
OptionalLabels = Annotated[Optional[str], typer.Option(
    "--label", "-l", help="Labels the reviewer may use, comma-separated (default: any)")]

ORDERS = ("source", "random", "uncertain")
# ner.teach's sorter, recorded in its config: "ema" there is mean + sd, in .v1 it was the mean only
TEACH_SORTER = "al_ner.prefer_uncertain.v2"


def split_labels(labels: str | Iterable[str]) -> list[str]:
    """'ORG,PERSON' or ['ORG', 'PERSON'] -> ['ORG', 'PERSON']; at least one label."""
    items = labels.split(",") if isinstance(labels, str) else list(labels)
    items = [label.strip() for label in items if label.strip()]
    if not items:
        raise ConfigError("no label given; pass --label ORG (comma-separate several)")
    return items


def split_names(names: str | Iterable[str] | None) -> list[str]:
    if not names:
        return []
    items = names.split(",") if isinstance(names, str) else list(names)
    return [name.strip() for name in items if name.strip()]


def check_order(order: str, *, pre_scored: bool = False) -> str:
    if order not in ORDERS:
        raise ConfigError(f"unknown --order '{order}'; choose one of: {', '.join(ORDERS)}")
    if pre_scored and order != "uncertain":
        raise ConfigError(f"--pre-scored ranks by the scores al-ner score wrote, so it goes with --order "
                          f"uncertain, not --order {order}")
    return order


def parse_settings(settings: str | dict | None) -> dict[str, Any]:
    """--strategy-settings as a dict: a JSON object (text), a dict, or nothing."""
    if not settings:
        return {}
    if isinstance(settings, dict):
        return dict(settings)
    try:
        value = json.loads(settings)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise ConfigError(f"--strategy-settings must be a JSON object like '{{\"epsilon\": 0.2}}', "
                          f"got {settings!r}")
    return value


def source_progress(source: str, *, loader: str | None, text_column: str | None,
                    exact: bool) -> SourceProgress:
    """A SourceProgress for `source`; exact when each record is one question."""
    options = {"text_column": text_column} if text_column else {}
    return SourceProgress(source, loader=loader, exact=exact, options=options)


def pattern_matcher(nlp: Language, patterns: str | None,
                    labels: list[str]) -> PatternMatcher | None:
    """The matcher over the patterns file's patterns of `labels`, or None without a file."""
    if not patterns:
        return None
    matcher = PatternMatcher(nlp, read_patterns(patterns), labels=labels)
    if not matcher.patterns:
        raise ConfigError(f"no pattern in {patterns} has one of the labels {', '.join(labels)}; "
                          "check the patterns' labels or --label")
    return matcher


def new_label_notices(nlp: Language, labels: list[str]) -> list[str]:
    """One line per label the model's NER doesn't know (none for a tokenizer-only pipeline):
    annotating a new label by hand is legitimate, and training adds it."""
    if "ner" not in nlp.pipe_names:
        return []
    return [f"New label {label}: the model's NER doesn't know it yet; your answers will teach "
            "it (al-ner train adds the label)" for label in unknown_labels(nlp, labels)]


def teach_labels(nlp: Language, labels: list[str], matcher: PatternMatcher | None, *,
                 name: str) -> list[str]:
    """`labels`, each known to the NER or (cold start) to the patterns; the NER in memory
    learns the patterns' new labels (the pipeline on disk is never changed)."""
    covered = set(matcher.labels) if matcher else set()
    ner = get_ner(nlp, name=name)
    new = [label for label in labels if label not in ner.labels]
    check_labels(nlp, [label for label in labels if label not in covered], name=name)
    for label in new:
        ner.add_label(label)
    return labels


def learn_both(update: Callable[[list[Task]], Any],
               matcher: PatternMatcher | None) -> Callable[[list[Task]], Any]:
    """The model's update, and the patterns' answer counts when there are patterns."""
    if matcher is None:
        return update

    def both(answers: list[Task]) -> Any:
        matcher.update(answers)
        return update(answers)
    return both


def uncertainty_sorter(sorter: str, bias: float) -> Sorter:
    """TEACH_SORTER with algorithm `sorter` and `bias`, checked before any model loads."""
    if sorter not in ALGORITHMS:
        raise ConfigError(f"unknown --sorter '{sorter}'; choose one of: {', '.join(ALGORITHMS)}")
    return registry.get(registry.sorters, TEACH_SORTER)(algorithm=sorter, bias=bias)


def load_sentences(nlp: Language, source: str, *, loader: str | None, unsegmented: bool,
                   invalid: SkipCounter | None, text_column: str | None = None,
                   progress: SourceProgress | None = None, shuffle_seed: int | None = None) -> Stream:
    """Source -> validated tasks, split into sentences unless `unsegmented`, with tokens.

    progress: counts the records handed on (for the web app's progress bar).
    shuffle_seed: random order (--order random): the records (texts) are shuffled, which is
        cheap (cut, not parsed: `get_stream`), then split lazily, each into its sentences in
        order, so the first question comes after one record's parsing, not the whole source's.
        Every sentence is equally likely to be among the first n questions.
    """
    options = {"text_column": text_column} if text_column else {}
    stream: Iterable[Task] = get_stream(source, loader=loader, on_invalid=invalid,
                                        shuffle_seed=shuffle_seed, **options)
    if progress is not None:
        stream = progress.wrap(stream)
    if not unsegmented:
        stream = split_sentences(nlp, stream, on_split=progress.on_split() if progress else None)
    return add_tokens(nlp, stream, on_invalid=invalid)
