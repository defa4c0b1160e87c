"""Helpers shared by the sorters: score attachment and setting checks."""

from __future__ import annotations

import math

from ..constants import META, SCORE
from ..errors import ConfigError
from ..types import Task


def with_score(task: Task, score: float) -> Task:
    """A shallow copy of `task` whose (copied) meta holds `score`; the input is not changed."""
    return {**task, META: {**task.get(META, {}), SCORE: score}}


def check_choice(name: str, value: str, choices: tuple[str, ...]) -> str:
    """`value` if it is one of `choices`, else a ConfigError listing them."""
    if value not in choices:
        raise ConfigError(f"'{name}' must be one of {', '.join(choices)}, got {value!r}")
    return value


def check_int(name: str, value: int | None, *, minimum: int, optional: bool = False) -> int | None:
    """`value` if it is an integer >= minimum (or None when optional), else a ConfigError."""
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        none = " or None" if optional else ""
        raise ConfigError(f"'{name}' must be an integer >= {minimum}{none}, got {value!r}")
    return value


def check_share(name: str, value: float) -> float:
    """`value` if it is in (0, 1], else a ConfigError."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 < value <= 1.0:
        raise ConfigError(f"'{name}' must be in (0, 1], got {value!r}")
    return float(value)


def check_number(name: str, value: float, *, low: float, high: float | None = None) -> float:
    """`value` if it is a finite number in [low, high] (or >= low without high), else a ConfigError."""
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    inside = number and math.isfinite(value) and low <= value and (high is None or value <= high)
    if not inside:
        where = f"in [{low:g}, {high:g}]" if high is not None else f"a number >= {low:g}"
        raise ConfigError(f"'{name}' must be {where}, got {value!r}")
    return float(value)
