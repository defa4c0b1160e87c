"""Registries are filled before they are read (issue 17): `registry.get(strategies, name)` said
"choose one of: (none)" unless al_ner.strategies had been imported first."""

from __future__ import annotations

import subprocess
import sys

import pytest

from al_ner import registry
from al_ner.errors import ConfigError

KNOWN = {"loaders": "al_ner.jsonl.v1", "sorters": "al_ner.shuffle.v1",
         "scorers": "al_ner.entity_scorer.v1", "annotators": "al_ner.gold.v1",
         "recipes": "ner.manual", "strategies": "al_ner.random.v1"}


@pytest.mark.slow  # a fresh interpreter per registry
@pytest.mark.parametrize("kind", sorted(KNOWN))
def test_every_registry_is_filled_in_a_fresh_interpreter(kind):
    code = ("from al_ner import registry\n"
            f"print(registry.get(registry.{kind}, {KNOWN[kind]!r}).__name__)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr.strip().splitlines()[-1:]


def test_an_unknown_name_lists_the_registered_ones():
    with pytest.raises(ConfigError, match=r"unknown strategies 'nope'; choose one of: .*al_ner\.random\.v1"):
        registry.get(registry.strategies, "nope")
    assert "al_ner.random.v1" in registry.names(registry.strategies)
