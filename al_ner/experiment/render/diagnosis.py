"""The diagnosis as Markdown: likely causes first, then the numbers behind them. Rendering only."""

from __future__ import annotations

from collections.abc import Sequence

from ..diagnose.diagnosis import Cause, Diagnosis
from ..diagnose.evidence import Evidence
from .markdown import table

TOP_LABELS = 8


def render_diagnosis(d: Diagnosis, *, level: int = 2) -> str:
    """The diagnosis section (`level`: the heading level of its title)."""
    h, sub = "#" * level, "#" * (level + 1)
    parts = [f"{h} Diagnosis: what might be causing it?", _intro(d), f"{sub} Likely causes, strongest evidence first",
             causes_list(d.causes), f"{sub} Selection bias against {d.setup['reference']}", bias_table(d),
             f"{sub} Label mix (the base model's entities on the selected sentences)", mix_table(d),
             f"{sub} Distribution shift in the model's own representation", shift_lines(d),
             f"{sub} What the answers can teach", evidence_table(d)]
    if d.dev_vs_test:
        parts += [f"{sub} The arm's own dev split against the held-out test", dev_table(d)]
    if d.forgetting:
        parts += [f"{sub} Labels nobody annotated", forgetting_lines(d)]
    parts += [f"{sub} How these numbers are computed", _method(d)]
    return "\n\n".join(p for p in parts if p)


def _intro(d: Diagnosis) -> str:
    lines = [f"Each arm's sentences against **{d.setup['reference']}** (a random sample of the same source), "
             f"with {d.setup['base_model']} as the base model; compared labels: {', '.join(d.setup['labels'])}; "
             f"training fill: `{d.setup['fill']}`."]
    for c in d.setup.get("headline", []):
        e = c["estimate"]
        lines.append(f"In this comparison {c['strategy']} vs {c['baseline']} ({c['label']}): area "
                     f"{e['mean']:+.3f} [{e['low']:+.3f}, {e['high']:+.3f}].")
    return " ".join(lines)


def causes_list(causes: Sequence[Cause]) -> str:
    if not causes:
        return "No suspect stands out."
    lines = []
    for i, c in enumerate(causes, start=1):
        mark = "**evidence**" if c.significant else "weak or no evidence"
        fit = {"fits": "; fits the held-out errors", "argues against": "; the held-out errors argue against it"}
        lines.append(f"{i}. **{c.arm}: {c.title}** ({mark}{fit.get(c.fit, '')}, strength {c.strength:.2f}): "
                     f"{c.number}. *Try:* {c.advice}.")
    return "\n".join(lines)


def bias_table(d: Diagnosis) -> str:
    body = [[a.arm, m.name, f"{m.arm:.3f}", f"{m.reference:.3f}", f"{m.diff:+.3f} [{m.low:+.3f}, {m.high:+.3f}]",
             "**differs**" if m.significant else "can't tell"] for a in d.arms for m in a.bias]
    sizes = "; ".join(f"{a.arm}: {a.n_sentences} sentences, {d.setup['reference']}: {a.n_reference}" for a in d.arms)
    return (f"Means per sentence, difference with a 95 % bootstrap interval ({sizes}).\n\n"
            + table(["arm", "measure", "arm", "reference", "difference", ""], body))


def mix_table(d: Diagnosis) -> str:
    if not d.arms:
        return ""
    labels = list(d.arms[0].label_mix)[:TOP_LABELS]
    header = ["label", *(a.arm for a in d.arms), d.setup["reference"]]
    body = [[label, *(f"{a.label_mix.get(label, (0.0, 0.0))[0]:.1%}" for a in d.arms),
             f"{d.arms[0].label_mix.get(label, (0.0, 0.0))[1]:.1%}"] for label in labels]
    return "Share of each label among the entities the base model finds.\n\n" + table(header, body)


def shift_lines(d: Diagnosis) -> str:
    lines = []
    for a in d.arms:
        t = a.shift
        if t is None:
            lines.append(f"- {a.arm}: too few sentences for the two-sample test")
            continue
        word = "**distinguishable**" if t.significant else "not distinguishable"
        lines.append(f"- {a.arm}: cross-validated AUC {t.auc:.3f} [{t.low:.3f}, {t.high:.3f}], permutation "
                     f"p = {t.p:.3f} ({t.permutations} permutations): {word} from {a.reference} "
                     f"({t.n_arm} vs {t.n_reference} sentences; {t.space})")
    return "\n".join(lines)


def evidence_table(d: Diagnosis) -> str:
    rows = [(a.arm, a.evidence) for a in d.arms]
    if d.reference_evidence is not None:
        rows.append((d.setup["reference"], d.reference_evidence))
    body = [[name, str(e.answers), f"{e.accept_rate:.0%}", f"{e.reject_rate:.0%}", f"{e.ignore_rate:.0%}",
             f"{e.evidence_share:.0%}", f"{e.rejected_per_sentence:.2f}", f"{e.answer_o_per_sentence:.1f}",
             _pseudo(e), f"{e.missing_share:.0%}"] for name, e in rows]
    recall = ", ".join(f"{label} {r:.0%}" for label, r in d.base_recall.items())
    note = f" The base model's recall on the held-out test: {recall}." if recall else ""
    return ("Per sentence and per token of the converted training data (data-to-spacy's conversion, with the "
            f"fill above).{note}\n\n"
            + table(["arm", "answers", "accept", "reject", "ignore", "tokens with evidence",
                     "rejected spans / sentence", "answer-O tokens / sentence",
                     "pseudo-labelled tokens (of them 'no entity')", "missing tokens"], body))


def _pseudo(e: Evidence) -> str:
    return f"{e.pseudo_share:.0%} ({e.pseudo_o_share:.0%})"


def dev_table(d: Diagnosis) -> str:
    def cell(x: dict) -> str:
        return f"{x['mean']:+.3f} [{x['low']:+.3f}, {x['high']:+.3f}]"
    body = [[r["strategy"], r["label"], f"{r['budget']:g}", cell(r["dev"]), cell(r["test"]), cell(r["gap"]),
             r["story"]] for r in d.dev_vs_test]
    return ("F1 change from the base model at each arm's largest checkpoint: on its own dev split, on the "
            "held-out test, and the gap.\n\n"
            + table(["arm", "label", "checkpoint", "dev split", "held-out test", "gap", "story"], body))


def forgetting_lines(d: Diagnosis) -> str:
    return "\n".join(f"- {r['strategy']}, {r['label']}: {r['change']['mean']:+.3f} "
                     f"[{r['change']['low']:+.3f}, {r['change']['high']:+.3f}] from the base model "
                     f"({r['direction']})" for r in d.forgetting)


def _method(d: Diagnosis) -> str:
    return ("- Selection bias: the base model's predictions on each set (the same for every answer kind), "
            "means compared with a bootstrap over each set's sentences; vocabulary coverage at equal tokens read.\n"
            "- Two-sample test: an L2 logistic regression on each sentence's mean token vector in the NER's "
            "own input layer, 5-fold stratified cross-validation; interval from resampling the out-of-fold "
            "scores, p from refitting on permuted sides; sentences in both sets are left out of the reference.\n"
            "- Evidence: a token has evidence when an answer says something about it (inside an accepted or "
            "rejected span, or anywhere in a complete answer); pseudo-labelled tokens get their training gold "
            "from the fill (the base model's entities, or 'no entity' where it predicts none).\n"
            "- Ranking: causes with evidence (an interval that excludes no difference, or a share past its "
            "threshold: pseudo-labels on half the tokens, 60 % rejects, half the reference's evidence, 5 % of the "
            "binary questions (at least 5) longer than any span the model predicts or an annotator accepted) come "
            "first; among them those the held-out errors fit (a cause that costs recall when recall is what "
            "fell against the reference arm, one that costs precision when precision fell), then the others, "
            "then those the errors argue against; within each, by strength: the relative size of a difference, 2 × (AUC − 0.5), the share of "
            "unchecked 'no entity' tokens times the base model's miss rate, twice the share of malformed questions, "
            "or the gap / forgetting over 0.1 F1. "
            "The strengths are a heuristic order, not probabilities.")
