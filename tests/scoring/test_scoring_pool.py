"""Pool scoring (al-ner score) on en_core_web_sm, and recipes ranking a pre-scored pool."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import srsly

from al_ner.cli import main
from al_ner.errors import ConfigError, InvalidTaskError
from al_ner.recipe import get_recipe
from al_ner.scoring import SentenceScorer, score_pool, stored_scores, write_scored
from al_ner.scoring.pool import scored_lines
from al_ner.stream import add_tokens, split_sentences

pytestmark = pytest.mark.model

TEXTS = ["Apple is looking at buying a startup in London. Tim Cook said so on Monday.",
         "Shares of Acme Corp rose after the Reuters report on Tuesday.",
         "the weather is nice",
         "Harlow Motors and Globex signed a deal in Paris. Initech was not invited. Reuters reported it."] * 5


@pytest.fixture()
def source(tmp_path: Path) -> Path:
    path = tmp_path / "source.jsonl"
    srsly.write_jsonl(path, [{"text": text, "meta": {"row": i}} for i, text in enumerate(TEXTS)])
    return path


def test_each_sentence_is_written_with_the_scorers_uncertainty_in_source_order(source: Path, tmp_path: Path,
                                                                               nlp_sm) -> None:
    out = tmp_path / "scored.jsonl"
    count = write_scored(out, score_pool(str(source), "en_core_web_sm", labels=["ORG"]))
    written = list(srsly.read_jsonl(out))
    sentences = add_tokens(nlp_sm, split_sentences(nlp_sm, srsly.read_jsonl(source)))
    expected = list(SentenceScorer(nlp_sm, ["ORG"])(sentences))
    assert count == len(written) == len(expected) > len(TEXTS)  # split into sentences
    assert [t["text"] for t in written] == [t["text"] for _s, t in expected]
    # exact in the file; srsly's reader keeps 15 digits
    assert [t["meta"]["score"] for t in written] == pytest.approx([s for s, _t in expected], rel=1e-12)
    assert all(t["tokens"] and t["meta"]["row"] is not None and "_task_hash" in t for t in written)


def test_scoring_is_lazy(nlp_sm) -> None:
    pulled = []

    def tasks():
        for i in range(10_000):
            pulled.append(i)
            yield {"text": f"Acme Corp number {i} hired Tim Cook ."}
    first = next(scored_lines(nlp_sm, tasks(), labels=["ORG"], unsegmented=True, batch_size=8))
    assert "Acme Corp number 0" in first and len(pulled) <= 16


def test_a_failed_scoring_leaves_no_output_and_keeps_an_old_one(tmp_path: Path) -> None:
    out = tmp_path / "scored.jsonl"
    out.write_text('{"text": "old"}\n')

    def lines():
        yield '{"text": "new"}'
        raise InvalidTaskError("task 2 has no text")
    with pytest.raises(InvalidTaskError):
        write_scored(out, lines())
    assert out.read_text() == '{"text": "old"}\n'


@pytest.mark.slow
@pytest.mark.parametrize("recipe", ["ner.correct", "ner.manual"])
def test_a_pre_scored_pool_asks_what_scoring_in_the_recipe_asks(recipe: str, source: Path, tmp_path: Path,
                                                                 nlp_sm) -> None:
    scored = tmp_path / "scored.jsonl"
    write_scored(scored, score_pool(str(source), "en_core_web_sm", labels=["ORG"]))
    make = get_recipe(recipe)
    inside = make(dataset="d", spacy_model="en_core_web_sm", source=str(source), label="ORG",
                  order="uncertain", window=0, strategy="entity")  # what `al-ner score` scores by
    pre = make(dataset="d", spacy_model="en_core_web_sm", source=str(scored), label="ORG",
               order="uncertain", window=0, pre_scored=True)
    asked, asked_pre = list(inside["stream"]), list(pre["stream"])
    keys = ("text", "tokens", "spans", "_input_hash", "_task_hash")
    assert len(asked) > len(TEXTS)
    def questions(tasks: list[dict]) -> list[list]:
        return [[task.get(k) for k in keys] for task in tasks]
    assert questions(asked_pre) == questions(asked)
    scores = [t["meta"]["score"] for t in asked]
    assert [t["meta"]["score"] for t in asked_pre] == pytest.approx(scores, rel=1e-12)
    assert pre["config"]["pre_scored"] is True


def test_a_source_without_scores_says_how_to_score_it(source: Path) -> None:
    with pytest.raises(InvalidTaskError, match="no meta.score.*al-ner score SOURCE MODEL"):
        list(stored_scores(srsly.read_jsonl(source)))
    with pytest.raises(ConfigError, match="--pre-scored .* goes with --order uncertain, not --order random"):
        get_recipe("ner.correct")(dataset="d", spacy_model="en_core_web_sm", source=str(source), label="ORG",
                                  order="random", pre_scored=True)


def test_score_cli_writes_the_file_and_says_how_many(source: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "scored.jsonl"
    code = main(["score", str(source), "en_core_web_sm", "--label", "ORG", "--out", str(out)])
    assert code == 0 and len(list(srsly.read_jsonl(out))) > len(TEXTS)
    assert "sentences scored -> " in capsys.readouterr().err


def test_score_cli_with_backend_ray_and_no_ray_prints_how_to_install_it(source: Path, tmp_path: Path,
                                                                       capsys, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)
    code = main(["score", str(source), "en_core_web_sm", "--label", "ORG", "--out", str(tmp_path / "o.jsonl"),
                 "--backend", "ray"])
    assert code == 1 and 'pip install "al-ner[ray]"' in capsys.readouterr().err
    assert not (tmp_path / "o.jsonl").exists()
