"""The real redis-server of the tests (see scaletg_ptb.testing.redis_server)."""

from scaletg_ptb.testing.redis_server import SKIP_REASON, RedisServer, free_port, require_redis_server

__all__ = ["SKIP_REASON", "RedisServer", "free_port", "require_redis_server"]
