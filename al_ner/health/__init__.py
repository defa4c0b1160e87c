"""The live health check: random control questions, answered as full spans, and what they say.

`set_aside` / `mix_controls` put a random share of the source in front of the annotator as
control questions; `HealthMonitor` estimates the model's F1 on them (with a bootstrap interval)
against the base model's on the same sentences, and warns when the model is worse.
"""

from __future__ import annotations

from .control import ControlPool, control_question, mix_controls, set_aside
from .maths import Interval, diff_interval, f1_interval, f1_of, span_counts
from .monitor import (BASE_PREDICTED, CONTROL, PREDICTED, WORSE, Health, HealthMonitor,
                      answer_spans, describe, estimate, is_control)

__all__ = ["BASE_PREDICTED", "CONTROL", "ControlPool", "Health", "HealthMonitor", "Interval",
           "PREDICTED", "WORSE", "answer_spans", "control_question", "describe", "diff_interval",
           "estimate", "f1_interval", "f1_of", "is_control", "mix_controls", "set_aside",
           "span_counts"]
