"""Build the embedded news corpus: corpora/src/*.txt (inline markup) -> corpora/news/{pool,dev,test}.iob,
and pool.txt (the pool's sentences as plain text, one a line, to try the recipes on).

Markup: one sentence per line, entities as ``[entity text|LABEL]``, '#' starts a comment line.
Tokens come from spaCy's English tokenizer; every entity must fall on token boundaries.
Run:  python corpora/build_news.py [OUTPUT_DIR]   (default: corpora/news)
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import spacy

HERE = Path(__file__).resolve().parent
LABELS = ("ORG", "PER", "LOC", "MISC")
MARKUP = re.compile(r"\[([^\[\]|]+)\|([A-Z]+)\]")
SPLITS = {"test": 60, "dev": 60}  # the rest is the pool
SEED = 2024


def parse_line(line: str) -> tuple[str, list[tuple[int, int, str]]]:
    """Strip the markup from one line; return the text and (start, end, label) char spans."""
    text, spans, pos = [], [], 0
    for match in MARKUP.finditer(line):
        text.append(line[pos:match.start()])
        start = sum(len(part) for part in text)
        entity, label = match.group(1), match.group(2)
        if label not in LABELS:
            raise ValueError(f"unknown label {label!r} in: {line}")
        text.append(entity)
        spans.append((start, start + len(entity), label))
        pos = match.end()
    text.append(line[pos:])
    return "".join(text), spans


def to_iob(nlp: spacy.Language, line: str) -> list[tuple[str, str]]:
    """Tokenize a marked-up line and tag it in IOB2."""
    text, spans = parse_line(line)
    if "[" in text or "|" in text:
        raise ValueError(f"unbalanced markup in: {line}")
    doc = nlp.make_doc(text)
    tags = ["O"] * len(doc)
    for start, end, label in spans:
        span = doc.char_span(start, end)
        if span is None:
            raise ValueError(f"entity {text[start:end]!r} is not on token boundaries in: {line}")
        tags[span.start] = f"B-{label}"
        for i in range(span.start + 1, span.end):
            tags[i] = f"I-{label}"
    return [(token.text, tag) for token, tag in zip(doc, tags) if not token.is_space]


def read_sources(folder: Path) -> list[str]:
    lines = []
    for path in sorted(folder.glob("*.txt")):
        for raw in path.read_text(encoding="utf8").splitlines():
            if raw.strip() and not raw.lstrip().startswith("#"):
                lines.append(raw.strip())
    return lines


def write_iob(path: Path, sentences: list[list[tuple[str, str]]]) -> None:
    blocks = ["\n".join(f"{token} {tag}" for token, tag in sent) for sent in sentences]
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf8")


def key(sentence: list[tuple[str, str]]) -> tuple[str, ...]:
    return tuple(token for token, _ in sentence)


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else HERE / "news"
    nlp = spacy.blank("en")
    lines = read_sources(HERE / "src")
    sentences = [to_iob(nlp, line) for line in lines]
    texts: dict[tuple[str, ...], str] = {}
    for line, sent in zip(lines, sentences):
        if key(sent) in texts:
            raise ValueError(f"duplicate sentence: {' '.join(key(sent))}")
        texts[key(sent)] = parse_line(line)[0]
    random.Random(SEED).shuffle(sentences)
    start = 0
    out.mkdir(parents=True, exist_ok=True)
    for name, size in SPLITS.items():
        write_iob(out / f"{name}.iob", sentences[start:start + size])
        start += size
    write_iob(out / "pool.iob", sentences[start:])
    pool_texts = [texts[key(sent)] for sent in sentences[start:]]
    (out / "pool.txt").write_text("".join(f"{text}\n" for text in pool_texts), encoding="utf8")
    print(f"{len(sentences)} sentences -> {out} (test {SPLITS['test']}, dev {SPLITS['dev']}, "
          f"pool {len(sentences) - start})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
