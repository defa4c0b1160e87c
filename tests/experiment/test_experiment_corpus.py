"""The embedded news corpus: sizes, tag validity, no repeats, and the build reproduces it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

CORPORA = Path(__file__).resolve().parents[2] / "corpora"
NEWS = CORPORA / "news"
SIZES = {"pool": 245, "dev": 60, "test": 60}
TAGS = {"O"} | {f"{p}-{label}" for p in "BI" for label in ("ORG", "PER", "LOC", "MISC")}


def read_iob(path: Path) -> list[list[tuple[str, str]]]:
    blocks = path.read_text(encoding="utf8").strip().split("\n\n")
    return [[tuple(line.split(" ")) for line in block.split("\n")] for block in blocks]


@pytest.mark.parametrize("split", sorted(SIZES))
def test_split_sizes_and_tags_are_valid_iob2(split: str) -> None:
    sentences = read_iob(NEWS / f"{split}.iob")
    assert len(sentences) == SIZES[split]
    for sent in sentences:
        previous = "O"
        for pair in sent:
            assert len(pair) == 2 and pair[0] and pair[1] in TAGS, pair
            tag = pair[1]
            if tag.startswith("I-"):
                assert previous[2:] == tag[2:], f"I- after {previous}: {sent}"
            previous = tag


def test_corpus_is_big_enough_and_has_every_label() -> None:
    sentences = [s for split in SIZES for s in read_iob(NEWS / f"{split}.iob")]
    assert len(sentences) >= 300
    starts = [tag[2:] for sent in sentences for _, tag in sent if tag.startswith("B-")]
    for label in ("ORG", "PER", "LOC", "MISC"):
        assert starts.count(label) >= 30, label
    assert starts.count("ORG") >= 200


def test_no_sentence_in_two_splits_or_twice() -> None:
    texts = [" ".join(t for t, _ in s) for split in SIZES for s in read_iob(NEWS / f"{split}.iob")]
    assert len(texts) == len(set(texts))


@pytest.mark.slow
def test_build_reproduces_the_committed_files(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(CORPORA / "build_news.py"), str(tmp_path)], check=True,
                   capture_output=True)
    for split in SIZES:
        assert (tmp_path / f"{split}.iob").read_text() == (NEWS / f"{split}.iob").read_text()
