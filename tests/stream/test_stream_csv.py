"""CSV loader: header CSVs and ag_news's header-less rows, with and without cleaning."""

from __future__ import annotations

from collections import Counter

import pytest

from al_ner.errors import InputError
from al_ner.stream import SkipCounter, clean_ag_news, read_csv
from al_ner.stream.loaders import join_title

# Rows in the exact shape of ag_news test.csv: no header, every field quoted, feed leftovers.
AG_NEWS_ROWS = (
    '"3","Fears for T N pension after talks","Unions representing workers at Turner   Newall '
    "say they are 'disappointed' after talks with stricken parent firm Federal Mogul.\"\n"
    '"4","Race is On (SPACE.com)","SPACE.com - A second\\team of rocketeers competing for the  '
    '#36;10 million Ansari X Prize, a contest for\\privately funded flight."\n'
    '"2","Bears eye Ogunleye","He isn #39;t sure  #151; if the Bears can reach a deal."\n'
    '"1","China cracks down on  quot;phone sex quot; services","Johnson  amp; Johnson '
    '&lt;JNJ.N&gt; paid over \\$1 billion.\\\\""Next paragraph."\n'
)


@pytest.fixture
def ag_news_sample(tmp_path):
    path = tmp_path / "test.csv"
    path.write_text(AG_NEWS_ROWS, encoding="utf8")
    return path


def test_header_csv_text_and_meta(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text('id,text,source\n1,"Hello, world",web\n2,Second,mail\n', encoding="utf8")
    assert list(read_csv(path)) == [
        {"text": "Hello, world", "meta": {"id": "1", "source": "web"}},
        {"text": "Second", "meta": {"id": "2", "source": "mail"}},
    ]


def test_header_csv_other_text_column_and_delimiter(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("Body;n\nA text;1\n", encoding="utf8")
    assert list(read_csv(path, text_column="body", delimiter=";")) == [{"text": "A text", "meta": {"n": "1"}}]


def test_header_without_text_column(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("a,b\n1,2\n", encoding="utf8")
    with pytest.raises(InputError, match=r"in.csv:1: no 'text' column in the CSV header \(columns: a, b\); "
                                         "name the text column"):
        list(read_csv(path))


def test_header_csv_bad_rows(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes(b'text,x\n"multi\nline",1\nshort\n"bad \xe9",2\n"",3\nok,4\n')
    with pytest.raises(InputError, match=r"in.csv:4: row has 1 fields but the header has 2"):
        list(read_csv(path))
    skipped = SkipCounter()
    assert [t["text"] for t in read_csv(path, on_invalid=skipped)] == ["multi\nline", "ok"]
    assert skipped.count == 3
    assert "in.csv:5: line is not valid UTF-8" in skipped.messages[1]
    assert "in.csv:6: 'text' is empty" in skipped.messages[2]


def test_ag_news_rows_are_detected_and_cleaned(ag_news_sample):
    tasks = list(read_csv(ag_news_sample))
    assert [t["meta"] for t in tasks] == [
        {"class": 3, "topic": "Business", "row": 1},
        {"class": 4, "topic": "Sci/Tech", "row": 2},
        {"class": 2, "topic": "Sports", "row": 3},
        {"class": 1, "topic": "World", "row": 4},
    ]
    assert tasks[0]["text"] == ("Fears for T N pension after talks. Unions representing workers at Turner "
                                "Newall say they are 'disappointed' after talks with stricken parent firm "
                                "Federal Mogul.")
    assert tasks[1]["text"] == ("Race is On (SPACE.com). SPACE.com - A second team of rocketeers competing "
                                "for the $10 million Ansari X Prize, a contest for privately funded flight.")
    assert tasks[2]["text"] == "Bears eye Ogunleye. He isn't sure \u2014 if the Bears can reach a deal."
    assert tasks[3]["text"] == ('China cracks down on "phone sex" services. Johnson & Johnson <JNJ.N> paid '
                                'over $1 billion. "Next paragraph.')


def test_ag_news_cleaning_can_be_turned_off(ag_news_sample):
    raw = list(read_csv(ag_news_sample, clean=False))
    assert raw[1]["text"].startswith("Race is On (SPACE.com). SPACE.com - A second\\team")
    assert " #36;10" in raw[1]["text"]
    assert raw[0]["text"] == ("Fears for T N pension after talks. Unions representing workers at Turner   "
                              "Newall say they are 'disappointed' after talks with stricken parent firm "
                              "Federal Mogul.")


def test_ag_news_title_and_description_split_into_sentences(ag_news_sample, nlp):
    # joined with a plain space, a title and its description were never split
    from al_ner.stream import split_sentences

    first = list(split_sentences(nlp, list(read_csv(ag_news_sample))[:1]))
    assert [t["text"] for t in first][:2] == ["Fears for T N pension after talks.",
                                              "Unions representing workers at Turner Newall say they "
                                              "are 'disappointed' after talks with stricken parent "
                                              "firm Federal Mogul."]
    assert join_title("Is it on?", "Yes.") == "Is it on? Yes."


def test_ag_news_bad_row_names_the_line(tmp_path):
    path = tmp_path / "test.csv"
    path.write_text('"1","a","b"\n"7","c","d"\n"2","e"\n', encoding="utf8")
    with pytest.raises(InputError, match=r"test.csv:2: expected an ag_news row"):
        list(read_csv(path))
    skipped = SkipCounter()
    assert len(list(read_csv(path, on_invalid=skipped))) == 1 and skipped.count == 2


def test_ag_news_shape_can_be_forced_off(ag_news_sample):
    with pytest.raises(InputError, match="no 'text' column"):
        list(read_csv(ag_news_sample, ag_news=False))


def test_csv_is_lazy(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes(b'"1","a","b"\n"1","\xff","d"\n')
    stream = read_csv(path)
    assert next(stream)["text"] == "a. b"
    with pytest.raises(InputError):
        next(stream)


def test_clean_ag_news_keeps_real_ampersand_entities_and_plain_text():
    assert clean_ag_news("AT&amp;T &#39;s  deal") == "AT&T 's deal"
    assert clean_ag_news("plain text") == "plain text"


@pytest.mark.corpora
def test_real_ag_news_test_set(ag_news_csv):
    tasks = list(read_csv(ag_news_csv))
    assert len(tasks) == 7600
    assert Counter(t["meta"]["topic"] for t in tasks) == {
        "World": 1900, "Sports": 1900, "Business": 1900, "Sci/Tech": 1900}
    assert [t["meta"]["row"] for t in tasks[:3]] == [1, 2, 3]
    leftovers = ("#39;", "#36;", " quot;", "&lt;", "\\")
    assert not [t for t in tasks if any(mark in t["text"] for mark in leftovers)]
