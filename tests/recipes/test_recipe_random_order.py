"""ner.manual --order random: the first question after a few records, every sentence equally likely.

Issue 17: on the 7,600-row ag_news CSV the first question came after every sentence of the source
had been split and tokenized (16.7 s), because the sentences were shuffled after splitting.
"""

from __future__ import annotations

import json
from collections import Counter
from itertools import islice
from statistics import mean

import spacy
from scipy.stats import chisquare

from al_ner.recipe import get_recipe
from al_ner.recipes._shared import load_sentences


def write_source(path, texts: list[str]) -> str:
    path.write_text("".join(json.dumps({"text": text, "meta": {"record": i}}) + "\n"
                            for i, text in enumerate(texts)))
    return str(path)


def three_sentences(i: int) -> str:
    return f"Record {i} opens here. Record {i} goes on. Record {i} ends here."


def test_random_order_splits_a_few_records_before_the_first_question(tmp_path):
    source = write_source(tmp_path / "big.jsonl", [three_sentences(i) for i in range(2000)])
    components = get_recipe("ner.manual")(dataset="d", spacy_model="blank:en", source=source,
                                          label="ORG", order="random", seed=3)
    first = next(iter(components["stream"]))
    assert first["text"].startswith("Record ")
    assert components["progress"].read < 100  # records handed to the splitter; before: all 2,000


def first_questions(tmp_path, texts: list[str], seeds: range, n: int) -> list[list[dict]]:
    nlp = spacy.blank("en")
    source = write_source(tmp_path / "src.jsonl", texts)
    return [list(islice(load_sentences(nlp, source, loader=None, unsegmented=False, invalid=None,
                                       shuffle_seed=seed), n)) for seed in seeds]


def test_every_sentence_is_equally_likely_to_be_asked_early(tmp_path):
    """Half the records hold one sentence, half three (a quarter of the sentences are short
    ones): among the first 40 questions a quarter are short ones, on average over seeds (a
    record's sentences come together, so the share varies more from seed to seed than a
    binomial's; 500 seeds put its mean within 0.003 of a quarter, give or take), and the first
    question comes from every part of the source alike."""
    texts = [three_sentences(i) if i % 2 else f"Record {i} is short." for i in range(100)]
    runs = first_questions(tmp_path, texts, range(500), 40)
    short = [sum(1 for task in run if task["meta"]["record"] % 2 == 0) / len(run) for run in runs]
    assert abs(mean(short) - 0.25) < 0.02
    parts = Counter(run[0]["meta"]["record"] // 10 for run in runs)
    assert chisquare([parts[k] for k in range(10)]).pvalue > 0.01


def test_random_order_of_unsegmented_records_is_a_permutation_fixed_by_the_seed(tmp_path):
    nlp = spacy.blank("en")
    source = write_source(tmp_path / "src.jsonl", [f"Sentence {i} ." for i in range(50)])

    def order(seed: int) -> list[str]:
        return [task["text"] for task in load_sentences(nlp, source, loader=None, unsegmented=True,
                                                        invalid=None, shuffle_seed=seed)]

    assert sorted(order(1)) == sorted(f"Sentence {i} ." for i in range(50))
    assert order(1) == order(1) != order(2)
