"""Data for the recipes in tests/prodigy_compat/recipes (written in the style of Prodigy's docs)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

RECIPES = Path(__file__).parent / "recipes"

# texts and their entities as en_core_web_sm's labels name them
GOLD = [
    ("Apple hired Tim Cook in California .", [("Apple", "ORG"), ("Tim Cook", "PERSON"), ("California", "GPE")]),
    ("Microsoft opened an office in Berlin .", [("Microsoft", "ORG"), ("Berlin", "GPE")]),
    ("The weather was fine all week .", []),
    ("Google sued Oracle over Java .", [("Google", "ORG"), ("Oracle", "ORG")]),
]


def spans(text, entities):
    out, at = [], 0
    for phrase, label in entities:
        start = text.index(phrase, at)
        out.append({"start": start, "end": start + len(phrase), "label": label})
    return out


def write_jsonl(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture
def data(tmp_path, monkeypatch):
    """Source, gold and patterns files, a database directory, and the recipe files."""
    for var in ("PRODIGY_CONFIG", "PRODIGY_CONFIG_OVERRIDES", "PRODIGY_PORT", "PRODIGY_HOST",
                "PRODIGY_LOGGING", "PRODIGY_ALLOWED_SESSIONS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("PRODIGY_HOME", str(tmp_path / "prodigy_home"))
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "db"
    monkeypatch.setenv("AL_NER_DB", str(db))
    return SimpleNamespace(
        db=db, recipes=RECIPES,
        source=write_jsonl(tmp_path / "news.jsonl", [{"text": text} for text, _ in GOLD]),
        gold=write_jsonl(tmp_path / "gold.jsonl", [{"text": t, "spans": spans(t, e)} for t, e in GOLD]),
        patterns=write_jsonl(tmp_path / "patterns.jsonl", [
            {"label": "ORG", "pattern": "Microsoft"},
            {"label": "ORG", "pattern": [{"lower": "google"}]}]),
        dataset=lambda name: read_jsonl(db / f"{name}.jsonl"),
        write_jsonl=write_jsonl)
