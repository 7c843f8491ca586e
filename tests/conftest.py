"""The framework tests run against their own project, never the user's config.yaml or apps/."""

from pathlib import Path

import pytest

from .project import FIXTURE_CONFIG


@pytest.fixture
def sandbox_config() -> Path:
    """Make the testing kit's bots run the fixture project (its start, help and echo)."""
    return FIXTURE_CONFIG
