"""The components dict a recipe returns, checked once before a session starts.

al-ner's own keys and the keys Prodigy documents (custom recipes, prodigy.json settings) are each
honoured, or refused here with one line naming the key; none is silently ignored. Settings that
only change the look of Prodigy's app (a theme, say) can't change what is asked or saved: they
get one line saying they have no effect. `check_components` returns the dict in the form the
controller reads (Prodigy's config keys mapped to al-ner's) and those lines; docs/prodigy.md has
the whole table.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sized
from pathlib import Path
from typing import Any

from .constants import LABEL, SPANS, TOKENS, VIEW_CHOICE, VIEW_NER, VIEW_NER_MANUAL
from .errors import ConfigError, InvalidTaskError
from .stream.hashing import set_hash
from .stream.validate import task_problem
from .types import Components, Stream, Task

# view_id -> how the web app draws it; every other Prodigy view is refused at start
VIEWS = {VIEW_NER: "binary", "spans": "binary", "text": "binary", "classification": "binary",
         VIEW_NER_MANUAL: "manual", VIEW_CHOICE: "choice"}
REFUSED_VIEWS = {
    "html": "task data is never drawn as HTML in al-ner's app (it could run scripts)",
    "blocks": "al-ner draws one interface per question; return one view_id",
    "spans_manual": "al-ner's manual view has no overlapping spans; use ner_manual",
    "review": "use al-ner's review recipe (al-ner review DATASET IN_SETS)",
}
CALLBACKS = ("update", "on_load", "on_exit", "before_db", "validate_answer", "get_session_id",
             "health")
OWN_KEYS = ("dataset", "view_id", "stream", "config", "exclude", "db", "progress", "labels",
            "exclude_by", "total", "instructions", "invalid", "views", "notices", *CALLBACKS)
REFUSED_KEYS = {
    "task_router": "al-ner routes questions itself: one shared queue, or every question to every "
                   "named session with config feed_overlap",
    "session_factory": "al-ner makes the sessions itself (?session=NAME in the web app)",
    "event_hooks": "al-ner's web app has no custom events",
    "metrics": "al-ner has no custom metrics; read the dataset with al-ner stats",
}
EXCLUDE_BY = ("task", "input")


def check_components(components: Any) -> tuple[Components, list[str]]:
    """The recipe's components as the controller reads them, and the lines to say at start.

    Raises ConfigError naming the first key (or config setting) that al-ner refuses.
    """
    if not isinstance(components, dict):
        raise ConfigError(f"the recipe returned {type(components).__name__}, not a dict of "
                          "components; return {'dataset': ..., 'view_id': ..., 'stream': ...}")
    _check_keys(components)
    config, notes = check_config(components.get("config"))
    out: dict[str, Any] = {**components, "config": config}
    out["view_id"] = check_view(components.get("view_id", VIEW_NER))
    out["exclude"] = _names(components.get("exclude"), "exclude")
    for key, value in _from_config(config).items():
        if out.get(key) in (None, [], ""):  # the component, when the recipe gives it, wins
            out[key] = value
    out["exclude_by"] = _exclude_by(out.get("exclude_by", "task"))
    _check_dataset(out)
    notes += _count_stream(out)
    return out, notes  # type: ignore[return-value]


def served(components: Components) -> Stream:
    """The stream as the controller serves it: every task checked (a source without 'text'
    stops the session with one line naming the task), manual questions without the spans of
    labels the session doesn't annotate."""
    stream = _checked(components["stream"])
    labels = list(components.get("labels") or [])
    return keep_labels(stream, labels) if labels and components["view_id"] == VIEW_NER_MANUAL else stream


def _checked(stream: Iterable[Task]) -> Stream:
    """The tasks, each a dict with a text (its tokens are the views' business: they cope)."""
    for n, task in enumerate(stream, 1):
        bare = {k: v for k, v in task.items() if k != TOKENS} if isinstance(task, dict) else task
        problem = task_problem(bare)
        if problem is not None:
            raise InvalidTaskError(f"task {n} of the recipe's stream: {problem}")
        yield task


def _count_stream(components: dict[str, Any]) -> list[str]:
    """config auto_count_stream: a stream held in a list is counted (the progress bar's total)."""
    if not components["config"].get("auto_count_stream") or components.get("total") is not None:
        return []
    if isinstance(components["stream"], Sized):
        components["total"] = len(components["stream"])
        return []
    return ["ℹ config setting 'auto_count_stream': al-ner counts a stream only when it is a list; "
            "the progress shows the answers given"]


def _check_keys(components: dict[str, Any]) -> None:
    for key, value in components.items():
        if key in REFUSED_KEYS and value is not None:
            raise ConfigError(f"the recipe's '{key}' is not supported: {REFUSED_KEYS[key]}")
        if key not in OWN_KEYS and key not in REFUSED_KEYS:
            raise ConfigError(f"the recipe returned an unknown component '{key}'; components are: "
                              f"{', '.join(OWN_KEYS)}")
        if key in CALLBACKS and value is not None and not callable(value):
            raise ConfigError(f"the recipe's '{key}' must be a function, got {type(value).__name__}")
    if "stream" not in components or components["stream"] is None:
        raise ConfigError("the recipe returned no 'stream'; return the tasks to ask under 'stream'")
    _check_db(components.get("db"))


def _check_db(db: Any) -> None:
    if db in (None, True, False) or hasattr(db, "add_examples"):
        return
    raise ConfigError(f"the recipe's 'db' is {db!r}: al-ner keeps datasets as JSONL files; return "
                      "False (save nothing), a Database from connect(), or leave it out (--db DIR)")


def _check_dataset(components: dict[str, Any]) -> None:
    dataset = components.get("dataset")
    if dataset is False or components.get("db") is False:
        components["db"] = False
        components["dataset"] = dataset or "unsaved"
    elif not isinstance(dataset, str) or not dataset:
        raise ConfigError(f"the recipe's 'dataset' is {dataset!r}; return the name of the dataset "
                          "to save the answers to (or 'db': False to save nothing)")


def check_view(view_id: Any) -> str:
    """`view_id` if al-ner's web app draws it, else a ConfigError saying why not."""
    if view_id in VIEWS:
        return str(view_id)
    why = REFUSED_VIEWS.get(view_id, "al-ner annotates text spans and choices")
    raise ConfigError(f"view_id {view_id!r} is not supported: {why}; use one of: "
                      f"{', '.join(VIEWS)}")


def _names(value: Any, key: str) -> list[str]:
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, Iterable) or not all(isinstance(item, str) for item in items):
        raise ConfigError(f"the recipe's '{key}' must be a list of dataset names, got {value!r}")
    return [item.strip() for item in items if item.strip()]


def _exclude_by(value: Any) -> str:
    if value not in EXCLUDE_BY:
        raise ConfigError(f"exclude_by {value!r} is not one of: {', '.join(EXCLUDE_BY)}")
    return str(value)


# ------------------------------------------------------------------------------- config

# config settings al-ner reads (or whose meaning it has always)
HONOURED = {"labels", "label", "batch_size", "exclude_by", "instructions", "feed_overlap",
            "total_examples_target", "auto_exclude_current", "port", "host", "hide_meta",
            "show_flag", "history_size", "buttons", "lang", "allowed_sessions",
            "force_stream_order", "auto_count_stream", "ner_manual_highlight_chars"}
# settings honoured for some values: (values al-ner has, refuse or note the others, why)
BY_VALUE: dict[str, tuple[tuple[Any, ...], str, str]] = {
    "choice_style": (("single", None), "refuse", "al-ner's choice view selects one option"),
    "annotations_per_task": ((1, None), "refuse", "al-ner asks a question once, or with "
                             "feed_overlap in every named session"),
    "choice_auto_accept": ((True, None), "note", "al-ner's choice view saves the option clicked"),
    "validate": ((True, None), "note", "al-ner always checks tasks"),
    "instant_submit": ((True, None), "note", "al-ner saves every answer as it is given"),
    "allow_work_stealing": ((True, None), "note", "al-ner hands a question on when its tab "
                            "stops renewing it"),
}
# settings of Prodigy's that change how its app looks or where it stores, not what is asked or saved
NO_EFFECT = {
    **dict.fromkeys(("theme", "custom_theme", "ui_lang", "show_stats", "project_info",
                     "swipe", "swipe_gestures", "global_css", "global_css_dir", "show_whitespace",
                     "ner_manual_label_style", "text_span_label_style", "keymap", "keymap_by_label",
                     "cors", "api_keys", "writing_dir", "split_sents_threshold", "hide_newlines"),
                    "it only changes Prodigy's own app"),
    "db": "al-ner saves to its JSONL store: --db DIR or AL_NER_DB",
    "db_settings": "al-ner saves to its JSONL store: --db DIR or AL_NER_DB",
}
REFUSED_CONFIG = {
    "javascript": "al-ner's app runs no recipe code in the browser",
    "javascript_dir": "al-ner's app runs no recipe code in the browser",
    "html_template": "task data is never drawn as HTML in al-ner's app",
}


def check_config(config: Any) -> tuple[dict[str, Any], list[str]]:
    """The config (a copy), and one line per setting that has no effect here; ConfigError for a
    setting al-ner refuses. Keys Prodigy doesn't document are the recipe's own (kept as they are)."""
    if config is None:
        return {}, []
    if not isinstance(config, dict):
        raise ConfigError(f"the recipe's 'config' must be a dict, got {type(config).__name__}")
    notes = [note for key, value in config.items() if (note := _setting(key, value))]
    return dict(config), notes


def _setting(key: str, value: Any) -> str | None:
    """The line to say about one setting (None: nothing to say); ConfigError if refused."""
    if key in REFUSED_CONFIG:
        raise ConfigError(f"config setting '{key}' is not supported: {REFUSED_CONFIG[key]}")
    if key in BY_VALUE and value not in BY_VALUE[key][0]:
        _, action, why = BY_VALUE[key]
        if action == "refuse":
            raise ConfigError(f"config setting '{key}': {value!r} is not supported: {why}")
        return f"ℹ config setting '{key}': {value!r} has no effect in al-ner ({why})"
    if key in NO_EFFECT and value not in (None, False, "", [], {}):
        return f"ℹ config setting '{key}' has no effect in al-ner ({NO_EFFECT[key]})"
    return None


def _from_config(config: dict[str, Any]) -> dict[str, Any]:
    """The components al-ner reads that Prodigy puts in the config."""
    out: dict[str, Any] = {}
    if config.get("labels"):
        out["labels"] = _names(config["labels"], "config labels")
    if config.get("exclude_by") is not None:
        out["exclude_by"] = config["exclude_by"]
    if config.get("instructions"):
        out["instructions"] = read_instructions(config["instructions"])
    if config.get("total_examples_target"):
        out["total"] = int(config["total_examples_target"])
    return out


_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<\s*(br|/p|/li|/h\d)\s*/?>", re.IGNORECASE)


def read_instructions(value: Any) -> str:
    """The instructions as plain text: a file's content (HTML reduced to its text), or the text."""
    text = str(value)
    path = Path(text).expanduser()
    if len(text) < 4096 and "\n" not in text and path.is_file():
        text = path.read_text(encoding="utf-8")
    if "<" in text and ">" in text:
        text = html.unescape(_TAG.sub("", _BREAK.sub("\n", text)))
    return "\n".join(line.strip() for line in text.strip().splitlines())


# ------------------------------------------------------------------------------ labels


def keep_labels(stream: Iterable[Task], labels: list[str]) -> Stream:
    """Drop the spans of other labels from manual questions (a CoNLL source's PER when annotating
    ORG): the view shows what may be saved, and the controller refuses the other labels. A
    question that lost spans is hashed afresh (its hashes described the spans it had)."""
    wanted = set(labels)
    for task in stream:
        spans = task.get(SPANS) if isinstance(task, dict) else None
        if spans and any(isinstance(s, dict) and s.get(LABEL) not in wanted for s in spans):
            kept = [s for s in spans if isinstance(s, dict) and s.get(LABEL) in wanted]
            task = set_hash({**task, SPANS: kept}, overwrite=True)
        yield task
