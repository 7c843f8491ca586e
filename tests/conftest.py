"""The framework tests run against their own project, never the user's config.yaml or apps/."""

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from .project import FIXTURE_CONFIG
from .redis_server import RedisServer, require_redis_server


@pytest.fixture
def sandbox_config() -> Path:
    """Make the testing kit's bots run the fixture project (its start, help and echo)."""
    return FIXTURE_CONFIG


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A real redis-server for the whole session (skipped without one, a failure under CI=true)."""
    binary = require_redis_server()
    server = RedisServer(tmp_path_factory.mktemp("redis"), binary).start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """The session's Redis, emptied for this test; return its URL."""
    if redis_server.process is None:  # a test stopped it
        redis_server.start()
    subprocess.run(["redis-cli", "-p", str(redis_server.port), "FLUSHALL"], check=True, capture_output=True)
    return redis_server.url
