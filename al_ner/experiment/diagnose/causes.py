"""Likely causes: every suspect of a diagnosis with its number, how strong its evidence is, whether
the arm's held-out errors fit it, and what to try; strongest evidence first."""

from __future__ import annotations

from dataclasses import replace

from ..analysis.analyse import OVERSTATES, REVERSES, UNCONFIRMED
from .diagnosis import PRECISION, RECALL, ArmDiagnosis, Cause, Diagnosis
from .profile import DENSITY, DENSITY_ALL, EMPTY, LENGTH, OVERLAP, UNCERTAIN, Measure

PSEUDO_SHARE = 0.5  # pseudo-labels on at least this share of training tokens: a suspect
REJECT_RATE = 0.6  # at least this share of rejects: a suspect
EVIDENCE_RATIO = 0.5  # evidence on at most this share of the reference's: a suspect
MEASURE_ADVICE = {
    LENGTH: "compare at equal tokens (this report does) and mix random sentences into the "
                           "selection, so the model also sees sentences of ordinary length",
    DENSITY: "mix random sentences into the selection (1 in 3, "
                           "say): a model trained on entity-dense text over-predicts on ordinary text; check "
                           "its precision on the held-out test",
    DENSITY_ALL: "mix random sentences into the selection: the arm reads "
                           "unusually entity-dense (or sparse) text",
    EMPTY: "keep sentences without entities in the training "
                           "data (a random share): without them the model learns that every sentence has one",
    UNCERTAIN: "expected of uncertainty sampling; it hurts "
                           "when the uncertain sentences are atypical (see the two-sample test): prefer a "
                           "sorter that keeps some confident questions (--sorter probability) or mix in random ones",
    OVERLAP: "the selection covers less of "
                           "the test set's vocabulary than random sentences: add random sentences, or select "
                           "for diversity as well as uncertainty",
}
FIT_ORDER = {"fits": 0, "": 1, "argues against": 2}
MIN_STRENGTH = 0.05  # a suspect without evidence and smaller than this stays out of the list


def likely_causes(diagnosis: Diagnosis) -> list[Cause]:
    """Every suspect with its number, strongest evidence first.

    Order: causes with evidence before the rest; among them, those the arm's held-out errors fit
    (a cause that would cost recall, when recall is what fell) before the unknown and the
    contradicted ones; then by strength.
    """
    causes: list[Cause] = []
    for arm in diagnosis.arms:
        causes += _shift_cause(arm) + _pseudo_cause(arm, diagnosis) + _evidence_causes(arm, diagnosis)
        causes += _question_cause(arm, diagnosis)
        causes += [_measure_cause(arm.arm, m) for m in arm.bias]
        causes += _error_causes(arm.arm, diagnosis)
    causes += _dev_causes(diagnosis) + _forgetting_causes(diagnosis)
    causes = [_judge(c, failure_mode(c.arm, diagnosis)) for c in causes
              if c.significant or c.strength >= MIN_STRENGTH]  # the tables hold the rest
    return sorted(causes, key=lambda c: (not c.significant, FIT_ORDER[c.fit], -c.strength))


def failure_mode(arm: str, diagnosis: Diagnosis) -> str:
    """RECALL or PRECISION: what the arm lost most against the baseline on the held-out test ("" unknown)."""
    baseline = diagnosis.setup.get("reference")
    ours = [e for e in diagnosis.errors if e.strategy == arm]
    theirs = {e.label: e for e in diagnosis.errors if e.strategy == baseline}
    pairs = [(e, theirs[e.label]) for e in ours if e.label in theirs]
    if not pairs:
        return ""
    d_p = sum(a.p - b.p for a, b in pairs) / len(pairs)
    d_r = sum(a.r - b.r for a, b in pairs) / len(pairs)
    if min(d_p, d_r) > -0.02:
        return ""
    return RECALL if d_r < d_p else PRECISION


def _judge(cause: Cause, mode: str) -> Cause:
    if not mode or not cause.kind:
        return cause
    return replace(cause, fit="fits" if cause.kind == mode else "argues against")


def _error_causes(arm: str, diagnosis: Diagnosis) -> list[Cause]:
    """The held-out errors themselves: what fell, recall or precision (context for the rest)."""
    mode = failure_mode(arm, diagnosis)
    theirs = {e.label: e for e in diagnosis.errors if e.strategy == diagnosis.setup.get("reference")}
    out = []
    for e in (e for e in diagnosis.errors if e.strategy == arm and e.label in theirs and mode):
        b = theirs[e.label]
        lost = b.r - e.r if mode == RECALL else b.p - e.p
        out.append(Cause(arm, f"it loses held-out {mode} ({e.label})",
                         f"held-out {e.label} precision {e.p:.3f} and recall {e.r:.3f} against {b.p:.3f} and "
                         f"{b.r:.3f} for {b.strategy} {_at(e.budget, b.budget)} (base model {e.base_p:.3f} / "
                         f"{e.base_r:.3f}; means over seeds)", min(1.0, lost / 0.2), True,
                         ERROR_ADVICE[mode], kind=mode))
    return out


def _at(ours: float, theirs: float) -> str:
    return f"at checkpoint {ours:,g} (both)" if ours == theirs else f"at checkpoints {ours:,g} and {theirs:,g}"


ERROR_ADVICE = {
    RECALL: "the model keeps missing what the base model missed: look first at the causes that teach it "
            "'no entity' (rejects, pseudo-labels, little evidence)",
    PRECISION: "the model over-predicts: look first at what the selection showed it too much of "
               "(entity-dense sentences, few without entities)",
}


def _shift_cause(arm: ArmDiagnosis) -> list[Cause]:
    t = arm.shift
    if t is None:
        return []
    number = (f"AUC {t.auc:.2f} [{t.low:.2f}, {t.high:.2f}] for telling its {t.n_arm} sentences from "
              f"{t.n_reference} of {arm.reference} (permutation p = {t.p:.3f}; 0.5 = indistinguishable)")
    return [Cause(arm.arm, "its sentences differ from a random sample (distribution shift)", number,
                  max(0.0, 2 * (t.auc - 0.5)), t.significant,
                  "the model learns from an unusual slice of the data: mix random sentences into each "
                  "batch, or annotate the selected sentences fully (ner.correct) so at least their gold is complete")]


def _question_cause(arm: ArmDiagnosis, diagnosis: Diagnosis) -> list[Cause]:
    q = arm.questions
    if q is None or not q.longer:
        return []
    labels = "/".join(diagnosis.setup.get("labels", []))
    examples = "; e.g. " + ", ".join(f"\"{text}\"" for text in q.examples) if q.examples else ""
    number = (f"{q.longer} of {q.binary} {labels} binary questions ({q.share:.0%}) are spans longer than any "
              f"entity the base model predicts on these sentences ({q.model_longest} tokens) and than any "
              f"span an annotator accepted ({q.accepted_longest}); {q.accepted_longer} of them accepted{examples}")
    return [Cause(arm.arm, "its questions were spans the model doesn't predict (malformed questions)", number,
                  min(1.0, 2 * q.share), q.significant,
                  "these questions came from scores that weren't the model's (spaCy's beam, as al-ner < 0.2 "
                  "and Prodigy's ner.teach used it; docs/teach.md): each answer is a 'no' about a span nobody "
                  "would propose. Leave them out of training (or the whole binary dataset) and ask again with "
                  "al-ner's ner.teach, whose questions are the model's own candidates")]


def _pseudo_cause(arm: ArmDiagnosis, diagnosis: Diagnosis) -> list[Cause]:
    e = arm.evidence
    if e.fill != "model" or e.pseudo_share <= 0:
        return []
    recall = min(diagnosis.base_recall.values()) if diagnosis.base_recall else None
    miss = f"; the base model finds only {recall:.0%} of the held-out entities of the labels, so about " \
           f"{1 - recall:.0%} of the mentions nobody answered are trained as 'no entity'" if recall is not None else ""
    number = (f"{e.pseudo_share:.0%} of its training tokens carry pseudo-labels nobody checked "
              f"({e.pseudo_o_share:.0%} 'no entity' from the base model){miss}")
    strength = e.pseudo_o_share * (1 - recall if recall is not None else 0.5)
    return [Cause(arm.arm, "training treats the base model's misses as facts (fill=model on partial answers)",
                  number, min(1.0, 2 * strength), e.pseudo_share >= PSEUDO_SHARE and (recall or 0) < 0.9,
                  "complete the answers of the selected sentences (ner.correct on them, or Prodigy's "
                  "ner.silver-to-gold) so every mention the base model missed gets its gold; --fill missing "
                  "is no fix (on binary answers it measured worse, docs/training.md)", kind=RECALL)]


def _evidence_causes(arm: ArmDiagnosis, diagnosis: Diagnosis) -> list[Cause]:
    e, ref = arm.evidence, diagnosis.reference_evidence
    out = []
    if e.reject_rate >= REJECT_RATE or e.reject_rate > 0 and e.accept_rate < 0.5:
        out.append(Cause(arm.arm, "most answers are rejects: it learns what the label is not",
                         f"accept {e.accept_rate:.0%}, reject {e.reject_rate:.0%}, ignore {e.ignore_rate:.0%} "
                         f"of {e.answers} answers; {e.rejected_per_sentence:.2f} rejected spans per sentence",
                         e.reject_rate, e.reject_rate >= REJECT_RATE,
                         "shift the questions toward likelier entities (ner.teach --bias, or "
                         "prefer_high_scores), or answer whole sentences (ner.manual / ner.correct)", kind=RECALL))
    if ref is not None and ref.evidence_share > e.evidence_share:
        ratio = e.evidence_share / ref.evidence_share
        out.append(Cause(arm.arm, "its answers say little per token read",
                         f"{e.evidence_share:.0%} of its tokens have any answer about them, against "
                         f"{ref.evidence_share:.0%} for {diagnosis.setup['reference']}",
                         max(0.0, 1 - ratio), ratio <= EVIDENCE_RATIO,
                         "each binary answer speaks about one span: for the same reading time complete "
                         "answers give far more evidence; compare the arms at equal minutes", kind=RECALL))
    return out


def _measure_cause(arm: str, m: Measure) -> Cause:
    direction = "more" if m.diff > 0 else "less"
    number = (f"{m.name}: {m.arm:.3g} vs {m.reference:.3g} in the reference ({m.diff:+.3g} "
              f"[{m.low:+.3g}, {m.high:+.3g}], {direction})")
    # uncertainty sampling selects uncertain sentences by design: evidence of selection, a cause only
    # through what comes with it, so it ranks at half its size
    weight = 0.5 if m.name == UNCERTAIN else 1.0
    title = ("it asked about sentences the base model is unsure of (by design)" if weight < 1
             else f"selection bias in {m.name}")
    kind = PRECISION if m.name in (DENSITY, DENSITY_ALL, EMPTY) and (m.diff > 0) == (m.name != EMPTY) else ""
    return Cause(arm, title, number, weight * m.relative, m.significant,
                 MEASURE_ADVICE.get(m.name, "mix random sentences into the selection"), kind=kind)


def _dev_causes(diagnosis: Diagnosis) -> list[Cause]:
    out = []
    for row in diagnosis.dev_vs_test:
        if row["story"] not in (OVERSTATES, UNCONFIRMED, REVERSES):
            continue
        dev, test, gap = row["dev"], row["test"], row["gap"]
        out.append(Cause(row["strategy"], f"its own dev split {row['story']} ({row['label']})",
                         f"dev split {dev['mean']:+.3f} [{dev['low']:+.3f}, {dev['high']:+.3f}] vs held-out "
                         f"{test['mean']:+.3f} [{test['low']:+.3f}, {test['high']:+.3f}] from the base model "
                         f"(gap {gap['mean']:+.3f})", min(1.0, abs(gap["mean"]) / 0.1), True,
                         "a dev split of the arm's own answers shares its selection bias: judge by a test "
                         "set annotated in random order on sentences no arm saw"))
    return out


def _forgetting_causes(diagnosis: Diagnosis) -> list[Cause]:
    out = []
    for row in diagnosis.forgetting:
        change = row["change"]
        if change["mean"] >= 0:
            continue
        out.append(Cause(row["strategy"], f"it forgot {row['label']}, which nobody annotated",
                         f"{row['label']} F1 {change['mean']:+.3f} [{change['low']:+.3f}, {change['high']:+.3f}] "
                         "from the base model on the held-out test", min(1.0, abs(change["mean"]) / 0.1),
                         row["direction"] == "worse",
                         "keep fill=model (pseudo-rehearsal) and check its base model is the one the "
                         "pseudo-labels came from; annotate the forgotten labels too if they matter"))
    return out
