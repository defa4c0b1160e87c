"""Bring your own gold corpus: one file split by document, document ids kept, documents resampled."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import srsly

from al_ner.experiment.analysis.stats import DocResampler
from al_ner.experiment.data.gold_corpus import documents, read_iob
from al_ner.experiment.data.splits import prepare_file, split_by_document
from al_ner.experiment.run.runner import write_documents


def corpus(path: Path, n_docs: int = 20, *, after: bool = False) -> Path:
    """n_docs documents of 3 sentences each, IOB1 tags (an entity may start with I-)."""
    blocks = []
    for d in range(n_docs):
        sentences = [f"Acme{d} I-ORG\nCorp{d}_{s} I-ORG\nhired O\nTim I-PER\n." + " O" for s in range(3)]
        doc = "\n\n".join(sentences)
        blocks.append(f"{doc}\n\n-DOCSTART- -X- -X- O" if after else f"-DOCSTART- -X- -X- O\n\n{doc}")
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf8")
    return path


def test_one_file_is_split_by_whole_documents_with_a_seed(tmp_path: Path) -> None:
    summary = prepare_file(corpus(tmp_path / "c.iob"), tmp_path / "out", test_share=0.2, dev_share=0.1, seed=3)
    assert summary["sizes"] == {"pool": 42, "dev": 6, "test": 12}
    assert summary["documents"] == {"pool": 14, "dev": 2, "test": 4}
    splits = {name: read_iob(tmp_path / "out" / f"{name}.iob") for name in ("pool", "dev", "test")}
    docs = {name: set(documents(s)) for name, s in splits.items()}
    assert not (docs["pool"] & docs["dev"] or docs["pool"] & docs["test"] or docs["dev"] & docs["test"])
    assert docs["test"] <= {f"d{i}" for i in range(20)}  # the source's document ids, kept
    assert splits["test"][0].tags[:2] == ("B-ORG", "I-ORG")  # IOB1 read as IOB2
    again = prepare_file(corpus(tmp_path / "c.iob"), tmp_path / "again", seed=3)
    assert (tmp_path / "again" / "test.iob").read_text() == (tmp_path / "out" / "test.iob").read_text()
    other = prepare_file(corpus(tmp_path / "c.iob"), tmp_path / "other", seed=4)
    assert other["sizes"] == again["sizes"]
    assert (tmp_path / "other" / "test.iob").read_text() != (tmp_path / "out" / "test.iob").read_text()


def test_docstart_after_each_document_groups_the_same(tmp_path: Path) -> None:
    before = read_iob(corpus(tmp_path / "before.iob"))
    after = read_iob(corpus(tmp_path / "after.iob", after=True))
    assert documents(before) == documents(after) == [f"d{d}" for d in range(20) for _ in range(3)]
    pool, dev, test = split_by_document(after, test_share=0.2, dev_share=0.1, seed=0)
    assert len(test) == 12 and len(dev) == 6 and len(pool) == 42


def test_a_file_without_documents_splits_by_sentence(tmp_path: Path) -> None:
    path = tmp_path / "plain.iob"
    path.write_text("\n\n".join(f"Acme{i} B-ORG\nhired O" for i in range(10)) + "\n", encoding="utf8")
    assert documents(read_iob(path)) is None
    summary = prepare_file(path, tmp_path / "out", test_share=0.2, dev_share=0.2, seed=0)
    assert summary["sizes"] == {"pool": 6, "dev": 2, "test": 2} and not any(summary["documents"].values())
    assert "-DOCSTART-" not in (tmp_path / "out" / "test.iob").read_text()


def test_the_bootstrap_draws_whole_documents() -> None:
    groups = [f"d{i // 5}" for i in range(50)]  # 10 documents of 5 sentences
    docs = DocResampler(50, 500, np.random.default_rng(0), groups=groups)
    assert docs.n_groups == 10 and docs.n_docs == 50
    assert all((w.reshape(10, 5) == w.reshape(10, 5)[:, :1]).all() for w in docs.weights[:20])
    # a model right on half the documents and wrong on the rest: documents vary more than sentences
    counts = np.array([[1, 0, 0] if i // 5 % 2 else [0, 1, 1] for i in range(50)])
    by_doc = docs.f1(counts).boot.std()
    by_sentence = DocResampler(50, 500, np.random.default_rng(0)).f1(counts).boot.std()
    assert by_doc > 1.5 * by_sentence


def test_the_runner_records_the_evaluation_documents(tmp_path: Path) -> None:
    prepare_file(corpus(tmp_path / "c.iob"), tmp_path / "corpus", seed=0)
    write_documents(tmp_path, tmp_path / "corpus")
    recorded = srsly.read_json(tmp_path / "documents.json")
    assert len(recorded["test"]) == 12 and len(set(recorded["test"])) == 4
    news = Path(__file__).resolve().parents[2] / "corpora" / "news"
    write_documents(tmp_path, news)  # no documents marked: nothing recorded
    assert not (tmp_path / "documents.json").exists()


def test_the_cli_splits_a_file_and_says_how_many_documents(tmp_path: Path, capsys) -> None:
    from al_ner.cli import main

    assert main(["experiment", "prepare", str(corpus(tmp_path / "c.iob")), str(tmp_path / "out"),
                 "--seed", "1"]) == 0
    assert "pool 42, dev 6, test 12 sentences (pool 14, dev 2, test 4 documents)" in capsys.readouterr().err


def test_the_verdict_says_documents_were_drawn_whole() -> None:
    from al_ner.experiment.analysis.analyse import Analysis, Comparison
    from al_ner.experiment.analysis.stats import Estimate
    from al_ner.experiment.render.markdown import headline

    estimate = Estimate(0.02, -0.01, 0.05, 0.3, 0.015, 3, 231)
    analysis = Analysis({"unit": "tokens", "budgets": [100], "documents": {"test": 12}}, {},
                        headline=[Comparison("adaptive", "random", "test", "ORG", "area", estimate)])
    assert "3 seeds × 231 test sentences in 12 documents, drawn whole" in headline(analysis)
