"""ner.manual with a label the model's NER doesn't know: legitimate, said in one line (issue 17)."""

from __future__ import annotations

import json

from al_ner.cli import main
from al_ner.recipe import get_recipe


def test_manual_says_a_label_is_new_and_starts(tmp_path, tiny_model, source, capsys):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"text": "Acme and Globex met in Boston on day 0 .", "spans": []}) + "\n")
    assert main(["ner.manual", "m", tiny_model, source, "--label", "ORG,GADGET", "-U", "--limit", "2",
                 "--annotator", "gold", "--gold", str(gold), "--db", str(tmp_path / "db")]) == 0
    out = capsys.readouterr().out
    assert "ℹ New label GADGET: the model's NER doesn't know it yet" in out
    assert "Saved 2 answers" in out and "ORG:" not in out


def test_no_notice_for_known_labels_or_a_tokenizer_only_pipeline(tiny_model, source):
    for model, label in ((tiny_model, "ORG"), ("blank:en", "GADGET")):
        components = get_recipe("ner.manual")(dataset="d", spacy_model=model, source=source,
                                              label=label, unsegmented=True)
        assert not components.get("notices")
