"""An in-process Telegram Bot API emulator: real HTTP on 127.0.0.1, stdlib only.

It mimics Telegram, not python-telegram-bot, so it never imports ``telegram``.
"""

from .calls import Call, Event
from .faults import Fault
from .server import Emulator

__all__ = ["Call", "Emulator", "Event", "Fault"]
