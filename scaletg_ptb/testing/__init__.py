"""Test your apps in a few lines: a real bot on the Bot API emulator, driven as a chat.

    def test_echo(sandbox_bot):
        alice = sandbox_bot.user("Alice")
        alice.says("hello").expect("hello")

Enable the fixtures with ``pytest_plugins = ["scaletg_ptb.testing.plugin"]`` in your
top-level ``conftest.py``.
"""

from .actions import CallbackAnswer
from .chat import ChatUser, Exchange
from .everyday import InlineResults
from .isolation import forget_imports
from .kit import SandboxBot, find_config

__all__ = [
    "CallbackAnswer", "ChatUser", "Exchange", "InlineResults", "SandboxBot", "find_config", "forget_imports",
]
