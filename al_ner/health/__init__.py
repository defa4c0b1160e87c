"""The live health check: random control questions, answered as full spans, and what they say.

`set_aside` / `mix_controls` put a random share of the source in front of the annotator as
control questions; `HealthMonitor` estimates the model's F1 on them (with a bootstrap interval)
against the base model's on the same sentences, and warns when the model is worse.
`StoppingMonitor` watches a stop set for stabilizing predictions and, with the control answers,
says when annotating more is unlikely to change the model.
"""

from __future__ import annotations

from .control import ControlPool, control_question, full_span_controls, mix_controls, set_aside
from .maths import Interval, diff_interval, f1_interval, f1_of, span_counts
from .monitor import (BASE_PREDICTED, CONTROL, PREDICTED, WORSE, Health, HealthMonitor,
                      answer_spans, describe, estimate, is_control)
from .stopping import (StoppingMonitor, StopSet, agreement, bio_tags, cohen_kappa,
                       control_says_stop, describe_arms, describe_session, describe_stopping,
                       says_stop)

__all__ = ["BASE_PREDICTED", "CONTROL", "ControlPool", "Health", "HealthMonitor", "Interval",
           "PREDICTED", "StopSet", "StoppingMonitor", "WORSE", "agreement", "answer_spans",
           "bio_tags", "cohen_kappa", "control_question", "control_says_stop", "describe",
           "describe_arms", "describe_session", "describe_stopping", "diff_interval", "estimate", "f1_interval", "f1_of", "full_span_controls",
           "is_control",
           "mix_controls", "says_stop", "set_aside", "span_counts"]
