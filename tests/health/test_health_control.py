"""Control questions: a seeded random share set aside, mixed in at that share, scored when answered."""

from __future__ import annotations

from itertools import count

from al_ner.health import HealthMonitor, mix_controls, set_aside


def tasks(n: int) -> list[dict]:
    return [{"text": f"t{i}", "i": i} for i in range(n)]


def test_set_aside_is_a_seeded_bernoulli_sample_and_stays_lazy() -> None:
    reads: list[int] = []
    stream, pool = set_aside(({"i": reads.append(i) or i} for i in count()), share=0.1, seed=0)
    first = [next(stream) for _ in range(100)]
    assert 100 <= len(reads) < 140 and len(pool.waiting) == len(reads) - 100
    again, pool2 = set_aside(iter(tasks(500)), share=0.1, seed=0)
    list(again)
    assert 30 < len(pool2.waiting) < 70
    assert not {t["i"] for t in first} & {t["i"] for t in pool.waiting}


def test_mix_makes_about_share_of_the_questions_controls() -> None:
    stream, pool = set_aside(iter(tasks(1000)), share=0.1, seed=1)
    mixed = list(mix_controls(stream, pool, ask=lambda t: {**t, "control": True}))
    assert len(mixed) == 1000 and len({t["i"] for t in mixed}) == 1000
    first_200 = mixed[:200]
    assert 15 <= sum("control" in t for t in first_200) <= 25


def control(predicted, base, gold) -> dict:
    span = lambda s, e: {"token_start": s, "token_end": e - 1, "label": "ORG"}  # noqa: E731
    return {"answer": "accept", "_view_id": "ner_manual", "spans": [span(*g) for g in gold],
            "meta": {"control": True, "predicted": [[s, e, "ORG"] for s, e in predicted],
                     "base_predicted": [[s, e, "ORG"] for s, e in base]}}


def test_the_monitor_scores_only_accepted_control_answers() -> None:
    monitor = HealthMonitor(["ORG"])
    monitor.update([control([(0, 1)], [], [(0, 1)]), control([(2, 3)], [(2, 3)], [(2, 3)]),
                    {"answer": "accept", "meta": {}, "spans": []},
                    {**control([], [], [(0, 1)]), "answer": "ignore"}])
    health = monitor.health()
    assert health.n == 2 and health.f1.value == 1.0 and health.base_f1.value == pytest_approx(2 / 3)
    assert monitor.progress()["diff"]["value"] > 0


def pytest_approx(x: float):
    import pytest

    return pytest.approx(x)


def test_only_controls_of_full_span_sessions_count_as_gold() -> None:
    from al_ner.health import full_span_controls

    def answered(view: str, answer: str = "accept", offsets: bool = True) -> dict:
        task = control([], [], [(0, 1)])
        if not offsets:
            task["spans"] = [{"start": 0, "end": 4, "label": "ORG"}]
        return {**task, "answer": answer, "meta": {**task["meta"], "session_view": view}}
    correct, teach = answered("ner_manual"), answered("ner")  # ner.teach: drawn as a binary question
    assert full_span_controls([correct, teach, answered("ner_manual", "reject"),
                               answered("ner_manual", offsets=False), {**correct, "meta": {}}]) == [correct]
    older = {**correct, "meta": {k: v for k, v in correct["meta"].items() if k != "session_view"}}
    assert full_span_controls([older]) == []  # asked before al-ner noted the session's view
