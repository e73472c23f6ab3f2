"""Shared fixtures: the sample org, built once per test session, and helpers to sync it."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def sample_org(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 2,000-PR sample org `acme` as an API mirror folder, with its ground truth."""
    from miner.sample_org import generate

    root = tmp_path_factory.mktemp("sample") / "acme"
    generate(root)
    return root
