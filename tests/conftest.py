"""Shared test configuration: hypothesis profiles and seeded randomness."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("ci", max_examples=100, deadline=None, derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded generator: tests pass randomness in, never draw from global state."""
    return np.random.default_rng(20_240_101)


@pytest.fixture(autouse=True)
def _no_local_market_store(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test reads the bundled history only: an empty data directory of its own (a
    store filled by ``hedgekit data update`` on this machine must not change results), no
    bundle cut and no recorded session unless the test sets them."""
    monkeypatch.setenv("HEDGEKIT_DATA_DIR", str(tmp_path_factory.mktemp("hedgekit-data")))
    for name in ("HEDGEKIT_BUNDLE_UNTIL", "HEDGEKIT_RECORDED_DIR"):
        monkeypatch.delenv(name, raising=False)
