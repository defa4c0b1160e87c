"""Answer questions in the terminal: a (accept), x (reject), space (ignore), u (undo), q (quit)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TextIO

from ..constants import ACCEPT, ANSWER, END, IGNORE, LABEL, REJECT, SPANS, START, TASK_HASH, TEXT
from ..errors import AnswerError, ConfigError
from ..recipe_components import VIEWS
from ..registry import annotators
from ..types import Task

KEYS = {"a": ACCEPT, "x": REJECT, " ": IGNORE}
HELP = "[a]ccept  [x] reject  [space] ignore  [u]ndo  [q]uit"


Mark = Callable[[str, str], str]


def plain_mark(text: str, label: str) -> str:
    return f"[[{text}]]({label})"


def render(task: Task, mark: Mark = plain_mark, *, score: bool = True) -> str:
    """The text with each span marked (by default as [[span text]](LABEL)), and the model's
    score if any. Spans overlapping an earlier one are left out."""
    text, out, at = task[TEXT], [], 0
    for span in sorted(task.get(SPANS) or [], key=lambda s: (s[START], -s[END])):
        if span[START] < at:
            continue
        out += [text[at:span[START]], mark(text[span[START]:span[END]], str(span[LABEL]))]
        at = span[END]
    out.append(text[at:])
    if isinstance(task.get(LABEL), str):  # a classification question's label
        out.insert(0, f"[{task[LABEL]}] ")
    value = (task.get("meta") or {}).get("score")
    suffix = f"   (score {value:.2f})" if score and isinstance(value, float) else ""
    return "".join(out) + suffix


def read_key(stream: TextIO) -> str:
    """One keypress from a terminal, or one line's first character from a pipe."""
    if stream.isatty():
        import termios
        import tty

        fd = stream.fileno()
        old = termios.tcgetattr(fd)
        try:
            tty.setraw(fd)
            key = stream.read(1)
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, old)
        if key in ("\x03", "\x04"):
            raise KeyboardInterrupt
        return key
    line = stream.readline()
    if not line:
        return "q"
    return line.rstrip("\n")[:1] or " "


class TerminalAnnotator:
    """A person answering one question at a time; every answer is saved as it is given."""

    def __init__(self, *, input: TextIO | None = None, output: TextIO | None = None,
                 read: Callable[[TextIO], str] = read_key) -> None:
        self.input = input or sys.stdin
        self.output = output or sys.stdout
        self.read = read

    def __call__(self, controller: Any) -> None:
        if VIEWS.get(controller.view_id) not in ("binary", "manual"):
            kinds = ", ".join(view for view, kind in VIEWS.items() if kind != "choice")
            raise ConfigError(f"the terminal annotator answers {kinds} questions, not "
                              f"{controller.view_id!r} ones; use --annotator web")
        self._say(f"Dataset '{controller.dataset}'. {HELP}")
        while True:
            questions = controller.get_questions(1)
            if not questions:
                return
            if not self._ask(controller, questions[0]):
                controller.release([questions[0][TASK_HASH]])
                return

    def _ask(self, controller: Any, task: Task) -> bool:
        """Ask until a valid key; False when the person quits."""
        self._say(f"\n{render(task)}")
        while True:
            key = self.read(self.input)
            if key == "q":
                return False
            if key == "u":
                self._undo(controller, task)
                return True
            if key not in KEYS:
                self._say(f"  unknown key {key!r}: {HELP}")
            elif self._answer(controller, task, KEYS[key]):
                return True

    def _answer(self, controller: Any, task: Task, value: str) -> bool:
        """Give the answer; one the recipe refuses (validate_answer) is said, and asked again."""
        try:
            controller.receive_answers([{**task, ANSWER: value}])
        except AnswerError as err:
            self._say(f"  ✘ {err}\n  {HELP}")
            return False
        self._say(f"  -> {value}   ({controller.answered} answered)")
        return True

    def _undo(self, controller: Any, task: Task) -> None:
        last = controller.last_answered()
        controller.release([task[TASK_HASH]])
        if last is None:
            self._say("  nothing to undo")
            return
        controller.undo(last)
        self._say("  undone: the previous question comes again")

    def _say(self, message: str) -> None:
        print(message, file=self.output, flush=True)


@annotators("al_ner.terminal.v1")
def make_terminal_annotator(*, input: TextIO | None = None,
                            output: TextIO | None = None) -> TerminalAnnotator:
    """A person answering binary (or pre-highlighted) questions at the terminal."""
    return TerminalAnnotator(input=input, output=output)
