"""JSONL, JSON and plain-text loaders: schema, order, laziness, stdin and bad input."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from al_ner import registry
from al_ner.errors import InputError, InvalidTaskError
from al_ner.stream import SkipCounter, read_json, read_jsonl, read_txt
from al_ner.stream.loaders import LOADERS


def write_jsonl(path, rows) -> None:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf8")


class FakeStdin:
    """stdin whose binary buffer is a generator that fails if read past `limit` lines."""

    def __init__(self, lines: list[bytes], limit: int | None = None) -> None:
        self.read = 0
        self.buffer = self._lines(lines, limit)

    def _lines(self, lines: list[bytes], limit: int | None) -> Iterator[bytes]:
        for line in lines:
            if limit is not None and self.read >= limit:
                raise AssertionError("the loader read ahead")
            self.read += 1
            yield line


def test_every_loader_is_registered_under_a_versioned_name():
    for short, full in LOADERS.items():
        assert full == f"al_ner.{short}.v1"
        assert full in registry.loaders


def test_jsonl_keeps_order_keys_and_skips_blank_lines(tmp_path):
    path = tmp_path / "in.jsonl"
    rows = [{"text": "one", "meta": {"i": 1}}, {"text": "two", "spans": []}]
    path.write_text(json.dumps(rows[0]) + "\n\n  \n" + json.dumps(rows[1]) + "\n", encoding="utf8")
    assert list(read_jsonl(path)) == rows


def test_jsonl_reads_a_bom_and_crlf(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"text": "a"}\r\n{"text": "b"}\r\n')
    assert [t["text"] for t in read_jsonl(path)] == ["a", "b"]


def test_jsonl_is_lazy_over_a_big_file(tmp_path):
    path = tmp_path / "big.jsonl"
    path.write_text('{"text": "first"}\n{not json\n', encoding="utf8")
    stream = read_jsonl(path)
    assert next(stream) == {"text": "first"}  # the bad line 2 is not read yet
    with pytest.raises(InputError):
        next(stream)


def test_jsonl_bad_line_names_file_line_and_fix(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"text": "ok"}\n{"text": "a",}\n', encoding="utf8")
    with pytest.raises(InputError) as info:
        list(read_jsonl(path))
    message = str(info.value)
    assert f"{path}:2:" in message and "invalid JSON" in message and "one JSON object per line" in message
    assert info.value.line == 2 and "\n" not in message


def test_jsonl_non_utf8_names_the_line(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"text": "ok"}\n{"text": "caf\xe9"}\n')
    with pytest.raises(InputError, match=r":2: line is not valid UTF-8 \(byte 0xe9 at column 14\)"):
        list(read_jsonl(path))


@pytest.mark.parametrize("line,field", [
    ('{"meta": {}}', "task has no 'text' field"),
    ('{"text": 3}', "'text' must be a string"),
    ('{"text": "   "}', "'text' is blank"),
    ('["text"]', "expected a task object"),
    ('{"text": "a", "spans": {}}', "'spans' must be a list"),
    # JSON that can't be served or saved (before: served, then a 500 in the browser)
    ('{"text": "a", "meta": {"score": NaN}}', "'meta.score' is NaN, not a JSON number"),
    ('{"text": "a\\ud800"}', r"'text' holds a lone surrogate \(\\ud800 at character 1\)"),
    ('{"text": "ab", "spans": [{"start": 0, "end": 1, "label": "\\udfff"}]}',
     r"'spans\[0\].label' holds a lone surrogate"),
])
def test_jsonl_invalid_task_is_an_invalid_task_error(tmp_path, line, field):
    path = tmp_path / "in.jsonl"
    path.write_text('{"text": "ok"}\n' + line + "\n", encoding="utf8")
    with pytest.raises(InvalidTaskError, match=f":2: {field}"):
        list(read_jsonl(path))


def test_on_invalid_skips_and_counts(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"text": "a"}\n{bad\n{"text": ""}\n{"text": "\xff"}\n{"text": "b"}\n')
    skipped = SkipCounter(keep=2)
    assert [t["text"] for t in read_jsonl(path, on_invalid=skipped)] == ["a", "b"]
    assert skipped.count == 3
    assert len(skipped.messages) == 2 and ":2:" in skipped.messages[0]


def test_missing_file_fails_when_called_not_when_iterated(tmp_path):
    with pytest.raises(InputError, match="source file '.*nope.jsonl' not found; check the path"):
        read_jsonl(tmp_path / "nope.jsonl")


def test_jsonl_from_stdin_reads_lazily(monkeypatch):
    stdin = FakeStdin([b'{"text": "a"}\n', b'{"text": "b"}\n'], limit=1)
    monkeypatch.setattr(sys, "stdin", stdin)
    stream = read_jsonl("-")
    assert next(stream) == {"text": "a"}
    assert stdin.read == 1


def test_stdin_errors_name_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"{oops\n")))
    with pytest.raises(InputError, match="<stdin>:1: invalid JSON"):
        list(read_jsonl("-"))


def test_json_list(tmp_path):
    path = tmp_path / "in.json"
    rows = [{"text": "a"}, {"text": "b", "meta": {"x": 1}}]
    path.write_text(json.dumps(rows), encoding="utf8")
    assert list(read_json(path)) == rows


def test_json_errors(tmp_path):
    path = tmp_path / "in.json"
    path.write_text('{"text": "a"}', encoding="utf8")
    with pytest.raises(InputError, match="expected a JSON list of tasks, got dict"):
        list(read_json(path))
    path.write_text('[{"text": "a"},\n {"text": }]', encoding="utf8")
    with pytest.raises(InputError, match=r"in.json:2: invalid JSON"):
        list(read_json(path))
    path.write_text('[{"text": "a"}, {"txt": "b"}]', encoding="utf8")
    with pytest.raises(InvalidTaskError, match="task 1: task has no 'text' field"):
        list(read_json(path))
    path.write_bytes(b'[\n{"text": "\xe9"}]')
    with pytest.raises(InputError, match=r"in.json:2: line is not valid UTF-8"):
        list(read_json(path))


def test_txt_one_task_per_non_empty_line(tmp_path):
    path = tmp_path / "in.txt"
    path.write_text("First line.\n\n   \n  Second line.  \n", encoding="utf8")
    assert list(read_txt(path)) == [{"text": "First line."}, {"text": "Second line."}]


def test_txt_non_utf8(tmp_path):
    path = tmp_path / "in.txt"
    path.write_bytes(b"ok\nbad \x80 byte\n")
    with pytest.raises(InputError, match=r"in.txt:2: line is not valid UTF-8 \(byte 0x80 at column 5\)"):
        list(read_txt(path))


def test_a_new_format_is_one_registration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import catalogue

    from al_ner.stream.loaders import count_lines, count_records, get_stream, loader, loader_help, plugins

    for module, name in ((catalogue, "REGISTRY"), (registry, "_ALIASES"), (plugins, "_INFOS")):
        monkeypatch.setattr(module, name, {k: (dict(v) if isinstance(v, dict) else v)
                                           for k, v in getattr(module, name).items()})

    @loader("test.pipes.v1", alias="pipes", extensions=(".pipes",), count=count_lines, help="|-separated words")
    def read_pipes(source, *, on_invalid=None):
        return ({"text": line.strip().replace("|", " ")} for line in open(source) if line.strip())

    path = tmp_path / "a.pipes"
    path.write_text("Acme|rose\n\nGlobex|fell\n")
    assert [task["text"] for task in get_stream(path)] == ["Acme rose", "Globex fell"]
    assert count_records(path) == 2 and "pipes" in loader_help()
    assert [task["text"] for task in get_stream(path, loader="test.pipes.v1")] == ["Acme rose", "Globex fell"]


def test_jsonl_without_validation_reads_any_objects(tmp_path):
    # Prodigy's JSONL loader reads patterns files too: objects without a 'text'
    path = tmp_path / "patterns.jsonl"
    path.write_text('{"label": "ORG", "pattern": "Acme"}\n\n{"label": "ORG", "pattern": [{"lower": "x"}]}\n')
    assert [p["pattern"] for p in read_jsonl(path, validate=False)] == ["Acme", [{"lower": "x"}]]
    path.write_text('{"label": "ORG"}\n[1, 2]\n')
    with pytest.raises(InputError, match=r"patterns.jsonl:2: .*JSON object"):
        list(read_jsonl(path, validate=False))
