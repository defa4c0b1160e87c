"""How far a session is through its source: records counted cheaply, never estimated."""

from __future__ import annotations

from al_ner.stream.loaders import count_records


def test_count_records_per_format(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"text": "a"}\n\n{"text": "b"}\n')
    (tmp_path / "a.csv").write_text("text,n\nx,1\ny,2\nz,3\n")
    (tmp_path / "ag.csv").write_text('"1","t","d"\n"2","t","d"\n')
    (tmp_path / "a.conll").write_text("-DOCSTART- O\n\nA B-ORG\n\nB O\nC O\n\n")
    assert [count_records(tmp_path / n) for n in ("a.jsonl", "a.csv", "ag.csv", "a.conll")] == [2, 3, 2, 2]
    assert count_records("-") is None and count_records("dataset:x") is None

