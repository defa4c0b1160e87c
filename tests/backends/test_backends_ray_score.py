"""al-ner score on Ray Data: the same lines, in the same order, as scoring locally."""

from __future__ import annotations

from pathlib import Path

import pytest
import srsly

from al_ner.scoring import score_pool, write_scored

pytestmark = [pytest.mark.model, pytest.mark.slow]

NEWS_POOL = Path(__file__).resolve().parents[2] / "corpora" / "news" / "pool.iob"


@pytest.mark.parametrize("unsegmented", [True, False])
def test_ray_data_writes_the_lines_local_writes(unsegmented: bool, tmp_path: Path, ray_cluster,
                                                monkeypatch, nlp_sm) -> None:
    monkeypatch.setattr("al_ner.scoring.pool.SHARD", 100)  # several staged files, blocks and actors
    options = {"labels": ["ORG"], "loader": "conll", "unsegmented": unsegmented, "batch_size": 16}
    local, ray = tmp_path / "local.jsonl", tmp_path / "ray.jsonl"
    count = write_scored(local, score_pool(str(NEWS_POOL), "en_core_web_sm", **options))
    assert write_scored(ray, score_pool(str(NEWS_POOL), "en_core_web_sm", backend="ray",
                                        address=ray_cluster.address, workers=2, **options)) == count
    assert ray.read_bytes() == local.read_bytes() and count >= 245
    assert all(0.0 <= task["meta"]["score"] <= 1.0 for task in srsly.read_jsonl(ray))
