"""Fixtures for the pricing tests: the published reference values."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

_REFERENCE = Path(__file__).resolve().parents[1] / "reference" / "pricing_textbook.py"


@pytest.fixture(scope="session")
def textbook() -> ModuleType:
    """``tests/reference/pricing_textbook.py``, loaded by path (tests are not a package)."""
    spec = importlib.util.spec_from_file_location("hedgekit_tests_pricing_textbook", _REFERENCE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
