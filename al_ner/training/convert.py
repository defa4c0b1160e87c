"""Answers -> spaCy Docs: accepted spans are entities, rejected ones incorrect spans, the rest `fill`.

Per token, spaCy's NER gold is one of: an entity tag (B/I/L/U-LABEL), ``O`` (no entity of any
label) or missing (``-``, no loss). The `fill` policy decides what tokens outside the accepted
spans become:

* ``"missing"``: nothing is claimed about them. A complete (ner_manual) answer for the trained
  labels would say "not ORG" for the other tokens, but BILUO has no "not ORG, otherwise
  unknown" tag; ``O`` would also claim "not PERSON, not GPE, ...". So those tokens stay
  missing and the "not ORG" part goes into ``doc.spans["incorrect_spans"]`` instead: every
  span of up to `negative_len` tokens lying wholly outside the answer's entities is an
  incorrect ORG span.
* ``"O"``: every other token is ``O`` (what naive tools do: fine-tuning then unlearns the labels
  nobody annotated).
* ``"model"``: pseudo-rehearsal. Tokens outside the answers get the BASE pipeline's entities for
  the labels nobody annotated (and ``O`` where it predicts nothing), so fine-tuning on ORG
  doesn't erase PERSON/GPE/...; see `model_fill` for the conflict rules.

Inputs with only binary answers can instead take the *constrained* conversion (`conversion`;
`training.constrained`): the NER's best beam analysis that agrees with every accept and reject,
as Prodigy's ner.silver-to-gold builds it. A subsequence answer (`meta["asked"]`, a token range)
is complete like any full-span answer in training: outside the range it holds the model's own
entities, which the annotator was shown and left alone.

Evaluation gold (`eval_docs`, `eval_doc`; dev.spacy) takes no fill: it holds only what the
answers say. Accepted spans are entities; a complete answer makes its other tokens ``O`` (a
subsequence answer only those of its asked range; the rest is missing); a
rejected span goes into the incorrect spans ("not that label, exactly there"); every other token
is missing. ``O`` claims "no entity of any label", which is only true of the annotated labels,
so evaluation gold must be scored for the annotated labels alone (`evaluate.score_spans` with
`annotated`): then over-predicting ORG after a complete answer is a false positive, a prediction
touching a missing token is ignored (as in spaCy's scorer) unless it is exactly a rejected span,
and predictions of labels nobody annotated don't count.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..constants import (ACCEPT, ANSWER, ASKED, END, IGNORE, INCORRECT_SPANS_KEY, LABEL, META,
                         SPANS, START, TEXT, TOKEN_END, TOKEN_START, TOKENS)
from ..errors import ConfigError, InvalidTaskError
from ..stream.docs import task_doc
from ..stream.validate import is_int, offsets_problem, token_bounds
from ..types import Task
from .base_model import Predict, TokenSpan, base_predictor
from .constrained import CONSTRAINED, CONVERSION, CONVERSIONS, Constraints, Decode, constrained_decoder
from .merge import ConversionStats, is_manual, merge_answers

FILLS = ("missing", "O", "model")
DEFAULT_FILL = "model"  # the best of the three on CoNLL: see docs/training.md
ANSWERS_ONLY = "answers-only"  # evaluation gold: no fill, only what the answers say (eval_docs)
NEGATIVE_LEN = 8  # longest "not LABEL" span a complete answer adds under fill="missing"


@dataclass
class Answers:
    """What the answers to one input say, in token offsets (later answers override earlier)."""

    accepted: dict[tuple[int, int], str] = field(default_factory=dict)
    rejected: set[TokenSpan] = field(default_factory=set)
    complete: bool = False
    region: tuple[int, int] | None = None  # a subsequence answer: only these tokens were asked

    def accept(self, span: TokenSpan, stats: ConversionStats) -> None:
        start, end, label = span
        for other in [k for k in self.accepted if k[0] < end and start < k[1] and k != (start, end)]:
            stats.skip("overlapping_span", f"{other} vs {(start, end)}")
            del self.accepted[other]
        self.accepted[(start, end)] = label
        self.rejected.discard(span)

    def reject(self, span: TokenSpan) -> None:
        start, end, label = span
        if self.accepted.get((start, end)) == label:
            del self.accepted[(start, end)]
        self.rejected.add(span)

    def reset(self, labels: Iterable[str]) -> None:
        """A complete answer supersedes everything said before about its labels."""
        wanted = set(labels)
        self.accepted = {k: v for k, v in self.accepted.items() if v not in wanted}
        self.rejected = {s for s in self.rejected if s[2] not in wanted}
        self.complete = True
        self.region = None

    def entities(self) -> list[TokenSpan]:
        return sorted((s, e, label) for (s, e), label in self.accepted.items())


def check_fill(fill: str) -> str:
    if fill not in FILLS:
        raise ConfigError(f"unknown fill {fill!r}; choose one of: {', '.join(FILLS)}")
    return fill


def answers_to_doc(nlp: Language, tasks: Sequence[Task], *, labels: Iterable[str],
                   fill: str = DEFAULT_FILL, predicted: Sequence[TokenSpan] | None = None,
                   negative_len: int = NEGATIVE_LEN, stats: ConversionStats | None = None) -> Doc:
    """One training Doc from the merged answers of ONE input (see `merge_answers`).

    labels: the labels being trained; a manual answer is complete for all of them.
    predicted: the base pipeline's entities on this input (token offsets) for fill="model";
        by default `nlp`'s own NER predicts them (so pass the base pipeline, not a trained one).
    negative_len: longest "not LABEL" span a complete answer adds under fill="missing" (0: none).
    """
    check_fill(fill)
    doc = input_doc(nlp, tasks)
    if fill == "model" and predicted is None:
        predicted = _model_fill_predictor(nlp, None)([doc])[0]
    return _convert(doc, tasks, list(labels), fill, predicted, negative_len, stats or ConversionStats())


def answers_to_docs(nlp: Language, tasks: Iterable[Task], *, labels: Iterable[str] | None = None,
                    fill: str = DEFAULT_FILL, predict: Predict | None = None,
                    negative_len: int = NEGATIVE_LEN, stats: ConversionStats | None = None,
                    conversion: str | None = None, decode: Decode | None = None) -> list[Doc]:
    """Merge answered tasks (last answer wins) and convert them: one Doc per input.

    labels: the trained labels (default: every label seen in the answers).
    predict: where fill="model" gets the base pipeline's entities (default: `nlp`'s own NER).
    conversion, decode: how binary-only inputs are converted (see `groups_to_docs`).
    """
    check_fill(fill)
    stats = stats if stats is not None else ConversionStats()
    groups = merge_answers(tasks, stats=stats)
    label_list = list(labels) if labels is not None else answered_labels(groups)
    return groups_to_docs(nlp, groups, labels=label_list, fill=fill, predict=predict,
                          negative_len=negative_len, stats=stats, conversion=conversion,
                          decode=decode)


def groups_to_docs(nlp: Language, groups: Sequence[Sequence[Task]], *, labels: list[str],
                   fill: str, predict: Predict | None, stats: ConversionStats,
                   negative_len: int = NEGATIVE_LEN, conversion: str | None = None,
                   decode: Decode | None = None) -> list[Doc]:
    """Convert merged groups of answers (one per input) to Docs, predicting in one batch.

    conversion: how inputs with only binary answers become training data: "fill" (their
        unanswered tokens per `fill`), "constrained" (the best beam analysis that agrees with
        every answer; see `training.constrained`), or None: as each answer's meta asks
        (`meta["conversion"]`, set by ner.teach --conversion), else "fill".
    decode: the constrained decoder (default: `nlp`'s NER, so pass the base pipeline).
    """
    docs = [input_doc(nlp, group) for group in groups]
    predictions: Sequence[Sequence[TokenSpan] | None] = [None] * len(docs)
    if check_fill(fill) == "model":
        predictions = _model_fill_predictor(nlp, predict)(docs)
    parses = _constrained(nlp, docs, groups, labels, check_conversion(conversion), decode, stats)
    out = [_convert(doc, group, labels, fill, pred, negative_len, stats, parse)
           for doc, group, pred, parse in zip(docs, groups, predictions, parses)]
    return [doc for doc in out if len(doc)]


def check_conversion(conversion: str | None) -> str | None:
    if conversion is not None and conversion not in CONVERSIONS:
        raise ConfigError(f"unknown --conversion {conversion!r}; choose one of: {', '.join(CONVERSIONS)}")
    return conversion


def wants_constrained(group: Sequence[Task], conversion: str | None) -> bool:
    """Whether an input's answers are converted by constrained decoding: binary ones only."""
    if any(is_manual(task) and task.get(ANSWER) == ACCEPT for task in group):
        return False
    if conversion is not None:
        return conversion == CONSTRAINED
    return any(task.get(META, {}).get(CONVERSION) == CONSTRAINED for task in group)


def _constrained(nlp: Language, docs: Sequence[Doc], groups: Sequence[Sequence[Task]],
                 labels: list[str], conversion: str | None, decode: Decode | None,
                 stats: ConversionStats) -> list[list[TokenSpan] | None]:
    """Per input, the best agreeing beam analysis where constrained decoding is wanted, else None."""
    wanted = [i for i, group in enumerate(groups) if len(docs[i]) and wants_constrained(group, conversion)]
    out: list[list[TokenSpan] | None] = [None] * len(docs)
    if not wanted:
        return out
    decode = decode or constrained_decoder(nlp)
    for i, parse in zip(wanted, decode([docs[i] for i in wanted],
                                       [constraints_of(docs[i], groups[i], labels) for i in wanted])):
        out[i] = parse
        stats.constrained_fallback += parse is None
    return out


def constraints_of(doc: Doc, tasks: Sequence[Task], labels: list[str]) -> Constraints:
    """What the answers to one input require of an analysis."""
    answers = collect_answers(doc, tasks, labels, ConversionStats())
    return Constraints(tuple(answers.entities()), frozenset(answers.rejected),
                       frozenset(labels) if answers.complete else frozenset())


def eval_docs(nlp: Language, groups: Sequence[Sequence[Task]], *, labels: Sequence[str],
              stats: ConversionStats | None = None) -> list[Doc]:
    """Evaluation gold from merged answers (one group per input): what they say about `labels`.

    No fill and no pseudo-labels (see the module docstring); score it for `labels` only.
    """
    stats = stats if stats is not None else ConversionStats()
    docs = [eval_doc(input_doc(nlp, group), group, labels=labels, stats=stats) for group in groups]
    return [doc for doc in docs if len(doc)]


def eval_doc(doc: Doc, tasks: Sequence[Task], *, labels: Sequence[str],
             stats: ConversionStats | None = None) -> Doc:
    """Write what the answers to ONE input say about `labels` onto `doc` (a Doc over its tokens)."""
    return _convert(doc, tasks, list(labels), ANSWERS_ONLY, None, 0, stats or ConversionStats())


def _model_fill_predictor(nlp: Language, predict: Predict | None) -> Predict:
    if predict is not None:
        return predict
    if "ner" not in nlp.pipe_names:
        raise ConfigError(f"fill='model' takes pseudo-labels from the base pipeline's NER and "
                          f"'{nlp.meta.get('name', '?')}' has none; use a pipeline with an NER "
                          "(e.g. en_core_web_md) or fill='missing'")
    return base_predictor(nlp)


def answered_labels(groups: Iterable[Sequence[Task]]) -> list[str]:
    """Every span label in the answers, sorted."""
    return sorted({span[LABEL] for group in groups for task in group
                   for span in task.get(SPANS) or [] if LABEL in span})


def input_doc(nlp: Language, tasks: Sequence[Task]) -> Doc:
    """A Doc over the input's own tokens when a task has them, else `nlp.make_doc(text)`
    (`stream.docs.task_doc`, the builder every path uses)."""
    if not tasks:
        raise InvalidTaskError("no tasks to convert; pass the answers of one input")
    texts = {task.get(TEXT) for task in tasks}
    if len(texts) != 1 or not isinstance(next(iter(texts)), str):
        raise InvalidTaskError(f"tasks of one input must share one 'text', got {len(texts)} texts; "
                               "group them with merge_answers")
    return task_doc(nlp, next((task for task in tasks if task.get(TOKENS)), tasks[0]))


def _convert(doc: Doc, tasks: Sequence[Task], labels: list[str], fill: str,
             predicted: Sequence[TokenSpan] | None, negative_len: int, stats: ConversionStats,
             parse: Sequence[TokenSpan] | None = None) -> Doc:
    if not len(doc):
        stats.skip("no_tokens", repr(doc.text[:40]))
        return doc
    answers = collect_answers(doc, tasks, labels, stats)
    if parse is not None:  # the agreeing analysis: its entities, O everywhere else
        ents, incorrect = sorted(parse), sorted(answers.rejected)
        outside = set(range(len(doc))) - {i for s, e, _ in ents for i in range(s, e)}
        stats.constrained_docs += 1
    else:
        ents, outside, incorrect = token_annotation(len(doc), answers, labels=labels, fill=fill,
                                                    predicted=predicted, negative_len=negative_len)
    set_annotation(doc, ents, outside, incorrect)
    stats.docs += 1
    stats.entities += len(ents)
    stats.incorrect_spans += len(incorrect)
    stats.complete_docs += answers.complete
    return doc


def collect_answers(doc: Doc, tasks: Sequence[Task], labels: list[str],
                    stats: ConversionStats) -> Answers:
    """Replay the answers of one input in order; later answers override earlier ones."""
    answers = Answers()
    wanted = set(labels)
    for task in tasks:
        own_tokens = _same_tokens(doc, task)
        if is_manual(task) and task.get(ANSWER) == ACCEPT:
            answers.reset(wanted)
            answers.region = asked_region(task, len(doc))
        for span in task.get(SPANS) or []:
            answer = span.get(ANSWER, task.get(ANSWER))
            if answer == IGNORE:
                stats.skip("ignored", f"span {span.get(START)}-{span.get(END)}")
                continue
            if span.get(LABEL) not in wanted:
                stats.skip("label_not_requested", f"label {span.get(LABEL)!r}")
                continue
            located = span_tokens(doc, span, own_tokens=own_tokens, tokens=task.get(TOKENS))
            if isinstance(located, str):
                stats.skip(located, f"{span.get(LABEL)} {span.get(START)}-{span.get(END)} "
                                    f"in {doc.text[:40]!r}")
                continue
            token_span = (*located, span[LABEL])
            answers.accept(token_span, stats) if answer == ACCEPT else answers.reject(token_span)
    return answers


def asked_region(task: Task, length: int) -> tuple[int, int] | None:
    """The token range a subsequence question asked (`meta["asked"]`), or None for a whole sentence."""
    asked = task.get(META, {}).get(ASKED)
    if not isinstance(asked, (list, tuple)) or len(asked) != 2:
        return None
    start, end = max(0, int(asked[0])), min(length, int(asked[1]))
    return (start, end) if (start, end) != (0, length) else None


def _same_tokens(doc: Doc, task: Task) -> bool:
    tokens = task.get(TOKENS) or []
    return len(tokens) == len(doc) > 0 and all(str(t.get(TEXT)) == w.text for t, w in zip(tokens, doc))


def span_tokens(doc: Doc, span: dict, *, own_tokens: bool,
                tokens: Sequence[dict] | None = None) -> tuple[int, int] | str:
    """A span's token offsets (end exclusive), or the skip reason when it doesn't align.

    Token offsets (Prodigy's inclusive `token_end`) are trusted only when the task's own tokens
    built `doc`; then character offsets are placed on those `tokens` (their offsets are the
    text's, whatever the spaces between them); otherwise they are aligned to `doc`'s tokens.
    """
    t_start, t_end = span.get(TOKEN_START), span.get(TOKEN_END)
    if own_tokens and is_int(t_start) and is_int(t_end):
        if not 0 <= t_start <= t_end < len(doc):
            return "span_out_of_range"
        return t_start, t_end + 1
    if own_tokens and tokens:
        return _on_tokens(span, tokens)
    problem = offsets_problem(span, len(doc.text))  # the stream validator's rules
    if problem is not None:
        return problem
    aligned = doc.char_span(span[START], span[END], alignment_mode="strict")
    return "misaligned_span" if aligned is None else (aligned.start, aligned.end)


def _on_tokens(span: dict, tokens: Sequence[dict]) -> tuple[int, int] | str:
    """The tokens a span's character offsets start and end on, or the skip reason."""
    problem = offsets_problem(span, int(tokens[-1][END]))
    if problem is not None:
        return problem
    starts, ends = token_bounds(tokens)
    start, end = starts.get(span[START]), ends.get(span[END])
    return "misaligned_span" if start is None or end is None or end < start else (start, end + 1)


def token_annotation(length: int, answers: Answers, *, labels: Sequence[str], fill: str,
                     predicted: Sequence[TokenSpan] | None = None,
                     negative_len: int = NEGATIVE_LEN
                     ) -> tuple[list[TokenSpan], set[int], list[TokenSpan]]:
    """Entities, the tokens that are O, and the incorrect spans; every other token is missing."""
    ents = answers.entities()
    incorrect = set(answers.rejected)
    covered = {i for s, e, _ in ents for i in range(s, e)}
    if fill == ANSWERS_ONLY:  # evaluation gold: O only where a complete answer says so
        if answers.region is not None:  # outside the asked tokens the model's entities stood
            start, end = answers.region
            ents = [ent for ent in ents if start <= ent[0] and ent[1] <= end]
            return ents, set(range(start, end)) - covered, sorted(incorrect)
        return ents, set(range(length)) - covered if answers.complete else set(), sorted(incorrect)
    if fill == "O":
        return ents, set(range(length)) - covered, sorted(incorrect)
    if fill == "model":
        extra, outside = model_fill(length, answers, covered, set(labels), predicted or [])
        return sorted(ents + extra), outside, sorted(incorrect)
    if answers.complete and negative_len > 0:
        incorrect |= complete_negatives(length, ents, labels, negative_len)
    return ents, set(), sorted(incorrect)


def model_fill(length: int, answers: Answers, covered: set[int], labels: set[str],
               predicted: Sequence[TokenSpan]) -> tuple[list[TokenSpan], set[int]]:
    """The base pipeline's entities that no answer contradicts, and the tokens left O.

    A predicted entity that overlaps an accepted span is dropped and its other tokens go
    missing (the boundary is in doubt). One of a trained label is dropped too: after a complete
    answer its tokens are O (the answer says "not ORG", the model "nothing else"); if the
    annotator rejected exactly that entity its tokens are O as well (the model predicted
    nothing else there, and the answer took away what it did predict); otherwise nobody checked
    it, so its tokens go missing. Leaving a rejected entity's tokens missing would teach the
    model to extend it: spaCy's NER oracle charges nothing for continuing an entity over a
    missing token while closing it there costs the rejection (docs/teach.md).
    """
    outside = set(range(length)) - covered
    extra = []
    rejected = set(answers.rejected)
    for start, end, label in predicted:
        tokens = set(range(start, end))
        if (start, end, label) in rejected and not tokens & covered:
            continue  # the annotator said no to the model's own entity: its tokens stay O
        if tokens & covered or (label in labels and not answers.complete):
            outside -= tokens
        elif label not in labels:
            extra.append((start, end, label))
            outside -= tokens
    return extra, outside


def complete_negatives(length: int, ents: Sequence[TokenSpan], labels: Sequence[str],
                       max_len: int) -> set[TokenSpan]:
    """Every span of up to `max_len` tokens outside `ents`, once per label: "not LABEL"."""
    covered = {i for s, e, _ in ents for i in range(s, e)}
    out: set[TokenSpan] = set()
    for start in range(length):
        for end in range(start + 1, min(start + max_len, length) + 1):
            if end - 1 in covered:
                break
            if start not in covered:
                out.update((start, end, label) for label in labels)
    return out


def set_annotation(doc: Doc, ents: Sequence[TokenSpan], outside: Iterable[int],
                   incorrect: Sequence[TokenSpan]) -> None:
    """Write entities, O tokens (all others missing) and incorrect spans onto `doc`."""
    doc.set_ents([Span(doc, s, e, label=label) for s, e, label in ents],
                 outside=[doc[i:i + 1] for i in sorted(outside)], default="missing")
    doc.spans[INCORRECT_SPANS_KEY] = [Span(doc, s, e, label=label) for s, e, label in incorrect]
