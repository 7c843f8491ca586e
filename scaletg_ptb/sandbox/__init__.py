"""An offline terminal chat with the real bot: ``python bot.py --sandbox``.

The Bot API emulator and the usual python-telegram-bot long-polling runner start in
background threads; the main thread reads lines (typed or piped) and shows, as they happen,
everything the bot does in the chat. At a terminal the next line can be typed while the bot
works; piped lines are taken one at a time, each once the bot has finished the previous one.

| module | one concept |
|---|---|
| ``runner`` | the emulator plus the real bot, and waiting until an update is processed |
| ``commands`` | what a typed line means: a message or a ``:command`` |
| ``session`` | who is typing where, and carrying out each line |
| ``inhand`` | following each update the users made, off the input thread at a terminal |
| ``events`` | printing what the bot does (messages, edits, deletions, button answers) |
| ``render`` | how all of it looks: labels, keyboards, notices, colours |
| ``console`` | terminal I/O that other threads can print to without garbling the prompt |
| ``logfilter`` | which log lines reach the chat (no third-party DEBUG unless asked for) |
| ``main`` | start, banner, input loop, clean stop |
"""

from .main import run_sandbox
from .runner import SandboxRunner

__all__ = ["SandboxRunner", "run_sandbox"]
