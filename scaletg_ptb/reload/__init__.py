"""``python bot.py --reload``: restart the bot whenever its code or config changes.

This process is the reloader; the bot runs as its child, the ordinary runner, and is
stopped gracefully (SIGTERM) and started again on every change. With ``--sandbox`` the
emulator and the terminal chat stay here, so the conversation survives reloads.

| module | one concept |
|---|---|
| ``watch`` | which files are watched (watchfiles) and which changes count |
| ``process`` | one run of the bot as a child process |
| ``link`` | the socket between them: readiness and outcomes up, a lifeline down |
| ``reloader`` | the loop: start, watch, stop gracefully, start again |
| ``main`` | ``--reload``: the command line, Ctrl-C and SIGTERM |
| ``sandbox`` | ``--sandbox --reload``: the chat's bot as a child process |

Only ``link`` is imported by the child, so the runner never loads watchfiles.
"""

from .link import ReloaderLink

__all__ = ["ReloaderLink"]
