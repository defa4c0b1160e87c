"""Prodigy's JSONL match patterns: reading, matching (token and phrase), proposals and spans."""

from __future__ import annotations

import json

import pytest

from al_ner.errors import InputError
from al_ner.stream import add_tokens
from al_ner.stream.patterns import PatternMatcher, add_pattern_spans, combine, read_patterns

PATTERNS = [{"label": "ORG", "pattern": [{"lower": "acme"}, {"lower": "corp", "op": "?"}]},
            {"label": "ORG", "pattern": "Globex"},
            {"label": "GPE", "pattern": [{"lower": "ohio"}]}]


def write(path, rows) -> str:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return str(path)


def tokenized(nlp, *texts):
    return list(add_tokens(nlp, [{"text": t} for t in texts]))


def test_token_and_phrase_patterns_match_longest_first(nlp, tmp_path):
    matcher = PatternMatcher(nlp, read_patterns(write(tmp_path / "p.jsonl", PATTERNS)))
    [task] = tokenized(nlp, "ACME Corp sued Globex in Ohio .")
    found = [(span.text, span.label_, p["line"]) for span, p in matcher.matches(task)]
    assert found == [("ACME Corp", "ORG", 1), ("Globex", "ORG", 2), ("Ohio", "GPE", 3)]
    assert PatternMatcher(nlp, read_patterns(tmp_path / "p.jsonl"), labels=["GPE"]).labels == ["GPE"]


@pytest.mark.parametrize("line, message", [
    ("{not json", "p.jsonl:1: invalid JSON"),
    ('{"pattern": "Acme"}', "p.jsonl:1: a pattern needs a 'label' string"),
    ('{"label": "ORG", "pattern": []}', "'pattern' must be a phrase"),
    ('{"label": "ORG", "pattern": [{"lowr": "acme"}]}', "p.jsonl:1: spaCy can't use this pattern"),
])
def test_bad_patterns_name_the_line(nlp, tmp_path, line, message):
    with pytest.raises(InputError, match=message):
        PatternMatcher(nlp, read_patterns(write(tmp_path / "p.jsonl", [line])))


def test_manual_views_get_matches_where_no_span_is(nlp, tmp_path):
    matcher = PatternMatcher(nlp, read_patterns(write(tmp_path / "p.jsonl", PATTERNS)))
    first, second = tokenized(nlp, "Acme Corp sued Globex .", "Nothing here .")
    first["spans"] = [{"start": 15, "end": 21, "label": "PERSON", "token_start": 3, "token_end": 3}]
    out = list(add_pattern_spans(matcher, [first, second]))
    # Globex already has a span: the pattern's ORG doesn't go over it
    assert [(s["start"], s["end"], s["label"]) for s in out[0]["spans"]] == [
        (0, 9, "ORG"), (15, 21, "PERSON")]
    assert out[1] is second and len(first["spans"]) == 1


def test_proposals_carry_their_pattern_and_answers_move_its_score(nlp, tmp_path):
    matcher = PatternMatcher(nlp, read_patterns(write(tmp_path / "p.jsonl", PATTERNS)))
    [task] = tokenized(nlp, "Globex hired staff in Ohio .")
    proposals = matcher.propose(task)
    assert [(t["spans"][0]["text"], t["meta"]["pattern"], s) for s, t in proposals] == [
        ("Globex", "Globex", 0.5), ("Ohio", '[{"lower": "ohio"}]', 0.5)]
    assert "spans" not in task
    matcher.update([{**proposals[0][1], "answer": "reject"}, {**proposals[0][1], "answer": "reject"}])
    assert matcher.propose(task)[0][0] == 0.25


def test_combine_puts_the_patterns_beside_the_model(nlp, tmp_path):
    matcher = PatternMatcher(nlp, read_patterns(write(tmp_path / "p.jsonl", PATTERNS)))

    def model(stream):
        for task in stream:
            yield 0.9, {**task, "meta": {"by": "model"}}

    pairs = list(combine(model, matcher.propose, tokenized(nlp, "Acme rose .", "Rain fell .", "Ohio won .")))
    assert [(t["text"], t["meta"].get("pattern", "model")) for _, t in pairs] == [
        ("Acme rose .", '[{"lower": "acme"}, {"lower": "corp", "op": "?"}]'), ("Acme rose .", "model"),
        ("Rain fell .", "model"), ("Ohio won .", '[{"lower": "ohio"}]'), ("Ohio won .", "model")]
