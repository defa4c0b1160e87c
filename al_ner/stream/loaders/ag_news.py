"""The AG News corpus as its CSV comes: header-less "class","title","description" rows, and the
leftovers of the news feed it was scraped from. The CSV loader reads these rows by this module."""

from __future__ import annotations

import html
import re

from ...constants import META, TEXT
from ...errors import InputError
from ...types import Task
from .reading import check_task, check_text

AG_NEWS_TOPICS = {1: "World", 2: "Sports", 3: "Business", 4: "Sci/Tech"}


def looks_like_ag_news(row: list[str], text_column: str) -> bool:
    return len(row) == 3 and row[0].strip() in {"1", "2", "3", "4"} and text_column not in row


def ag_news_task(row: list[str], row_no: int, path: str, n: int, clean: bool) -> Task:
    check_text("".join(row), path, n)
    if len(row) != 3 or row[0].strip() not in {"1", "2", "3", "4"}:
        raise InputError(f"expected an ag_news row \"class\",\"title\",\"description\" with class "
                         f"1-4, got {len(row)} fields starting {row[0][:20]!r}; fix the row, or "
                         "give the CSV a header with a 'text' column", path=path, line=n)
    text = join_title(row[1], row[2])
    label = int(row[0])
    task = {TEXT: clean_ag_news(text) if clean else text,
            META: {"class": label, "topic": AG_NEWS_TOPICS[label], "row": row_no}}
    return check_task(task, path, n)


_SENTENCE_END = (".", "!", "?", '."', '?"', '!"', ".'", "...")


def join_title(title: str, description: str) -> str:
    """An ag_news title and description as one text, with a sentence boundary between them
    (a full stop unless the title ends a sentence), so split_sentences separates them."""
    title = title.rstrip()
    return f"{title}{'' if title.endswith(_SENTENCE_END) else '.'} {description}"


# The feed replaced the '&' of entities with a space: "doesn #39;t", "Johnson  amp; Johnson".
_BARE_ENTITY = re.compile(r"(?<!&) ?(?<![A-Za-z0-9])(#\d{2,4}|quot|amp|lt|gt|apos);")
_LINE_BREAK = re.compile(r"\\+(?=[^$])|\\+$")  # the feed wrote line breaks as backslashes
_SPACES = re.compile(r"\s+")


def clean_ag_news(text: str) -> str:
    """Undo ag_news feed leftovers: entities that lost their '&' (#36; #39; quot; ...),
    HTML entities (&lt; ...), backslash line breaks and escaped dollars (\\$); collapse spaces.
    """
    text = _BARE_ENTITY.sub(lambda m: html.unescape(f"&{m.group(1)};"), text)
    text = html.unescape(text)
    text = _LINE_BREAK.sub(" ", text).replace("\\$", "$")
    return _SPACES.sub(" ", text).strip()
