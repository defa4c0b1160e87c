"""train-curve: nested shares in one seeded order, the verdict on the last share, and (slow) the
command end to end."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin

from al_ner.errors import ConfigError
from al_ner.training.curve import check_shares, train_curve


class FakeSteps:
    def __init__(self, scores: list[float]) -> None:
        self.scores = scores
        self.trained: list[list[str]] = []

    def train(self, train_path: Path, dev_path: Path, out_dir: Path) -> Path:
        docs = DocBin().from_disk(train_path).get_docs(spacy.blank("en").vocab)
        self.trained.append([doc.text for doc in docs])
        return out_dir

    def score(self, model: Path, dev_path: Path) -> dict:
        f = self.scores[len(self.trained) - 1]
        return {"micro": {"f": f}, "labels": {"ORG": {"f": f}}}


@pytest.fixture
def corpus(tmp_path) -> Path:
    nlp = spacy.blank("en")
    DocBin(docs=[nlp.make_doc(f"Doc {i} .") for i in range(8)]).to_disk(tmp_path / "train.spacy")
    return tmp_path / "train.spacy"


@pytest.mark.slow
def test_shares_are_nested_and_the_verdict_reads_the_last_gain(tmp_path, corpus):
    steps = FakeSteps([0.40, 0.50, 0.55, 0.58])
    curve = train_curve(corpus, tmp_path / "dev.spacy", tmp_path, steps, seed=3)
    assert [p.docs for p in curve.points] == [2, 4, 6, 8]
    assert all(set(a) <= set(b) for a, b in zip(steps.trained, steps.trained[1:]))
    assert curve.still_helps is True and curve.last_gain == pytest.approx(0.03)
    flat = train_curve(corpus, tmp_path / "dev.spacy", tmp_path, FakeSteps([0.4, 0.5, 0.6, 0.6]))
    assert flat.still_helps is False
    again = FakeSteps([0.4] * 4)
    train_curve(corpus, tmp_path / "dev.spacy", tmp_path, again, seed=3)
    assert again.trained == steps.trained  # one seeded order


def test_shares_are_checked():
    assert check_shares([0.5]) == [0.5, 1.0]
    for bad in ([], [0.5, 0.25], [0, 1], [1.5]):
        with pytest.raises(ConfigError, match="shares must increase"):
            check_shares(bad)


def test_curve_lines_say_whether_to_annotate_more():
    from al_ner.cli.train import curve_lines
    from al_ner.training.curve import Curve, CurvePoint

    curve = Curve([CurvePoint(0.5, 10, 0.5, {}), CurvePoint(1.0, 20, 0.53, {})])
    lines = curve_lines(curve)
    assert lines[1] == " 100%      20 docs  F 0.530  (+0.030)"
    assert lines[-1].startswith("✔ The last share improved F by +0.030")


@pytest.mark.slow
@pytest.mark.model
def test_train_curve_command_end_to_end(tmp_path, nlp_sm, capsys):
    from al_ner.cli import main

    repo = Path(__file__).resolve().parents[2]
    db = str(tmp_path / "db")
    assert main(["ner.manual", "man", "blank:en", str(repo / "corpora/news/pool.iob"), "--label", "ORG",
                 "-U", "--annotator", "gold", "--gold", str(repo / "corpora/news/pool.iob"),
                 "--gold-loader", "conll", "--limit", "60", "--db", db]) == 0
    capsys.readouterr()
    assert main(["train-curve", str(tmp_path / "curve"), "--ner", "man", "--db", db, "--base-model",
                 "en_core_web_sm", "--shares", "0.5,1", "--training.max_epochs", "1"]) == 0
    out = capsys.readouterr().out
    assert " 50%" in out and "100%" in out and ("✔ The last share" in out or "⚠ The last share" in out)
    assert (tmp_path / "curve" / "curve.json").is_file()


def test_each_share_is_measured_with_its_trained_model(tmp_path, small_corpus):
    """train-curve scored model-best, which with a hundred answers was spaCy's step-0
    checkpoint (after one batch): every share then scored like the base model (issue 17).
    A blank NER finds nothing before training; each share's trained model finds Acme."""
    from al_ner.training.curve import SpacyCurveSteps

    paths = small_corpus
    steps = SpacyCurveSteps(tmp_path / "small.cfg", base_model="en_core_web_sm", labels=["ORG"])
    curve = train_curve(Path(paths["paths.train"]), Path(paths["paths.dev"]), tmp_path,
                        steps, shares=[0.5, 1.0])
    assert [p.docs for p in curve.points] == [6, 12]
    assert all(point.f > 0.5 for point in curve.points)
