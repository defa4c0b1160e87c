"""Run a diagnosis: from names and paths (arms, test set, reference, and optionally compare's
results) to a `Diagnosis` of every arm against a random sample of the same source.

`al-ner diagnose` and the compare report call `run_diagnosis`; everything it needs can come from a
compare output folder's meta.json, so `al-ner diagnose --results training/compare` is enough.
`diagnose` puts together each arm's profile (selection bias), the two-sample test, the evidence
of its answers, and the likely causes. Every random choice takes a seed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import srsly
from spacy.language import Language

from ...errors import ConfigError, InputError
from ...models import load_model
from ...storage import get_db
from ...stream import get_stream
from ...training.evaluate import ONTONOTES_TO_CONLL
from ...types import Task
from ..analysis.analyse import Analysis, analyse
from ..data.config import parse_pairs
from ..data.corpus import read_iob
from ..data.layout import META, RESULTS, Row, read_rows
from ..run.arms import Arm, HeldOut, load_arms, load_test
from .causes import likely_causes
from .diagnosis import ArmDiagnosis, Diagnosis, Errors, dev_rows, forgetting_rows, held_out_errors
from .evidence import answer_evidence
from .profile import Profile, SentenceSet, compare_profiles, label_mix, profile
from .questions import question_shapes
from .shift import shift_test

TEST = "test"


@dataclass(frozen=True)
class DiagnoseSpec:
    """What to diagnose: arms (NAME:SOURCE,...), the test set, the reference, base model and labels.

    reference: an arm's name (default: the first arm, compare's baseline), "test", or a pool file
    (JSONL or IOB) to draw a random sample of the same size from.
    """

    arms: str
    test: str
    base_model: str
    labels: tuple[str, ...]
    reference: str = ""
    fill: str = "model"
    db: str | None = None
    label_map: tuple[tuple[str, str], ...] = tuple(ONTONOTES_TO_CONLL.items())
    seed: int = 0

    @classmethod
    def from_results(cls, results: Path, **overrides: Any) -> DiagnoseSpec:
        """The spec of a compare run, from its meta.json (overrides whose value is None are ignored)."""
        path = results / META
        if not path.is_file():
            raise InputError("no meta.json here; run compare first (spacy project run compare)", path=str(path))
        meta = srsly.read_json(path)
        arms = ",".join(f"{name}:{info['source']}" for name, info in meta["arms"].items())
        spec = cls(arms=arms, test=meta["test"]["source"], base_model=meta["base_model"],
                   labels=tuple(meta["model_labels"]), reference=meta.get("baseline", ""), fill=meta["fill"],
                   db=meta.get("db"), label_map=tuple(meta.get("label_map", {}).items()))
        return replace(spec, **{k: v for k, v in overrides.items() if v is not None})


    @classmethod
    def from_experiment(cls, results: Path, corpus: Path, *, seed: int = 0) -> DiagnoseSpec:
        """The simulated experiment's runs of one seed as arms (random's as the reference), its test set."""
        meta = srsly.read_json(results / META)
        answers = {name: results / "runs" / name / f"seed{seed}" / "db" / "answers.jsonl"
                   for name in meta.get("strategies", [])}
        found = {name: path for name, path in answers.items() if path.is_file()}
        if "random" not in found or len(found) < 2:
            raise InputError(f"no answers of random and another strategy for seed {seed}; run the "
                             "experiment first (spacy project run all)", path=str(results / "runs"))
        return cls(arms=",".join(f"{name}:{path}" for name, path in found.items()),
                   test=str(corpus / "test.iob"), base_model=meta["base_model"],
                   labels=tuple(meta["model_labels"]), reference="random", fill=meta["fill"],
                   label_map=tuple(meta.get("label_map", {}).items()), seed=seed)


def run_diagnosis(spec: DiagnoseSpec, *, analysis: Analysis | None = None,
                  rows: Sequence[Row] = ()) -> Diagnosis:
    """Load the arms, the test set and the reference; diagnose every arm that isn't the reference.

    analysis, rows: a compare's (or the experiment's) analysis and results rows, for the sections
    that need trained models (dev split, forgetting, held-out precision and recall).
    """
    db = get_db(spec.db)
    base = load_model(spec.base_model)
    arms = load_arms(parse_pairs(spec.arms), db)
    test = load_test(spec.test, db, base, labels=spec.labels)
    reference, ref_answers = reference_set(spec, arms, test)
    diagnosed = [(arm.name, list(arm.answers)) for arm in arms if arm.name != reference.name]
    if not diagnosed:
        raise ConfigError(f"every arm is the reference {reference.name!r}; add another arm or pass "
                          "--reference test")
    label_map = dict(spec.label_map) | {label: label for label in spec.labels if label not in dict(spec.label_map)}
    scores = test.score(base, label_map=label_map)
    upto = analysis.setup.get("area_cost") if analysis is not None else None  # compare: the equal-cost end
    recall = {label_map[label]: scores[label_map[label]].r for label in spec.labels if label_map[label] in scores}
    return diagnose(base, diagnosed, reference, labels=spec.labels, fill=spec.fill, test_texts=test.texts(),
                    reference_answers=ref_answers, analysis=analysis, base_recall=recall,
                    base_name=spec.base_model, errors=held_out_errors(rows, list(recall), upto=upto), seed=spec.seed)


def reference_set(spec: DiagnoseSpec, arms: list[Arm], test: HeldOut) -> tuple[SentenceSet, list | None]:
    """The random sample each arm is compared with, and its answers when it is an arm."""
    chosen = spec.reference or arms[0].name
    by_name = {arm.name: arm for arm in arms}
    if chosen in by_name:
        return SentenceSet.of_answers(chosen, by_name[chosen].answers), list(by_name[chosen].answers)
    if chosen == TEST:
        return SentenceSet.of_texts(TEST, test.texts()), None
    path = Path(chosen)
    if not path.is_file():
        raise ConfigError(f"--reference {chosen!r} is neither an arm ({', '.join(by_name)}), 'test', nor a "
                          "pool file; pass one of those")
    texts = ([s.text for s in read_iob(path)] if path.suffix in (".iob", ".conll")
             else [t["text"] for t in get_stream(str(path))])
    size = max(len(SentenceSet.of_answers(a.name, a.answers).tasks) for a in arms)
    return SentenceSet.of_texts(f"a random sample of {path.name}", texts).sample(size, spec.seed), None


def compare_analysis(results: Path, *, n_boot: int = 2000) -> tuple[Analysis, list[Row]]:
    """The Analysis of a compare output folder (the experiment's statistics), and its rows."""
    meta = srsly.read_json(results / META)
    rows = read_rows(results / RESULTS)
    return analyse(rows, meta, results, n_boot=n_boot), rows


def diagnose_arm(base: Language, name: str, answers: Sequence[Task], ref_name: str, ref: Profile,
                 ref_size: int, *, labels: Sequence[str], fill: str, test_tokens: Sequence[str],
                 seed: int) -> ArmDiagnosis:
    """Everything about one arm against the reference's profile."""
    sentences = SentenceSet.of_answers(name, answers)
    arm = profile(base, sentences, labels=labels)
    space = f"the NER's token representation of {base.meta.get('lang', '?')}_{base.meta.get('name', '?')}"
    # a sentence in both sets would sit on both sides of the classifier: test against the others
    others = np.array([text not in set(arm.texts) for text in ref.texts], dtype=bool)
    return ArmDiagnosis(name, ref_name, len(sentences.tasks), ref_size,
                        compare_profiles(arm, ref, test_tokens=test_tokens, seed=seed), label_mix(arm, ref),
                        shift_test(arm.embeddings, ref.embeddings[others], seed=seed, space=space),
                        answer_evidence(base, answers, labels=labels, fill=fill),
                        question_shapes(base, answers, labels=labels))


def diagnose(base: Language, arms: Sequence[tuple[str, Sequence[Task]]], reference: SentenceSet, *,
             labels: Sequence[str], fill: str, test_texts: Sequence[str],
             reference_answers: Sequence[Task] | None = None, analysis: Any = None,
             base_recall: dict[str, float] | None = None, base_name: str = "",
             errors: Sequence[Errors] = (), seed: int = 0) -> Diagnosis:
    """Diagnose every arm against `reference` (a random sample of the same source).

    arms: (name, effective answers) of the arms to diagnose; reference_answers: the reference's own
    answers when it is an arm (its evidence is shown beside theirs); analysis: a compare Analysis
    for the dev-split and forgetting sections; base_recall: the base model's recall per compared
    (gold) label on the held-out test; errors: each strategy's held-out precision and recall
    (`held_out_errors`), which decide which causes the outcome fits.
    """
    ref = profile(base, reference, labels=labels)
    test_tokens = [t.lower_ for text in test_texts for t in base.make_doc(text) if t.is_alpha]
    results = [diagnose_arm(base, name, answers, reference.name, ref, len(reference.tasks), labels=labels,
                            fill=fill, test_tokens=test_tokens, seed=seed + 7 * i)
               for i, (name, answers) in enumerate(arms)]
    ref_evidence = (answer_evidence(base, reference_answers, labels=labels, fill=fill)
                    if reference_answers else None)
    out = Diagnosis({"reference": reference.name, "labels": list(labels), "fill": fill, "seed": seed,
                     "test_sentences": len(test_texts),
                     "base_model": base_name or f"{base.meta.get('lang', '?')}_{base.meta.get('name', '?')}"},
                    results, ref_evidence, base_recall=dict(base_recall or {}), errors=list(errors))
    if analysis is not None:
        out.dev_vs_test, out.forgetting = dev_rows(analysis), forgetting_rows(analysis)
        out.setup["headline"] = [asdict(c) for c in analysis.headline]
    out.causes = likely_causes(out)
    return out
