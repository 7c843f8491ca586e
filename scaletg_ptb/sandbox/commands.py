"""What a typed line means: a message for the bot, or a ``:command`` for the sandbox."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Spec:
    """One sandbox command: how it is written and what it does."""

    name: str
    usage: str  # the argument, as shown by :help ("" for none)
    summary: str
    needs_argument: bool = False
    example: str = ""


COMMANDS: tuple[Spec, ...] = (
    Spec("help", "", "list these commands"),
    Spec("press", "N|TEXT", "press button N (or the one labelled TEXT) of the latest keyboard",
         needs_argument=True, example=":press 1"),
    Spec("inline", "QUERY", "ask the bot inline (@bot QUERY): it lists its results",
         needs_argument=True, example=":inline cats"),
    Spec("choose", "N", "post result N of the bot's latest inline answer here", needs_argument=True,
         example=":choose 1"),
    Spec("user", "NAME", "become another user, created on first use (no NAME: list the users)"),
    Spec("group", "[TITLE]", "talk in a group chat that every user shares"),
    Spec("private", "", "go back to your private chat with the bot"),
    Spec("join", "NAME", "have user NAME (or @bot) join this group", needs_argument=True,
         example=":join Bob"),
    Spec("leave", "NAME", "have user NAME (or @bot) leave this group", needs_argument=True,
         example=":leave Bob"),
    Spec("edit", "TEXT", "edit your last message in this chat", needs_argument=True,
         example=":edit hello again"),
    Spec("photo", "[PATH] [CAPTION]", "send a photo (the file PATH, if given)"),
    Spec("document", "PATH [CAPTION]", "send the file PATH", needs_argument=True,
         example=":document notes.txt"),
    Spec("vote", "N", "vote for option N of the latest poll", needs_argument=True, example=":vote 1"),
    Spec("quit", "", "leave the sandbox (Ctrl-D and Ctrl-C too)"),
)
_BY_NAME = {spec.name: spec for spec in COMMANDS}
_ALIASES = {"q": "quit", "exit": "quit", "h": "help", "?": "help"}
_COMMAND = re.compile(r"^:([A-Za-z?][A-Za-z0-9_-]*)(?:\s+(.*))?$", re.DOTALL)


@dataclass(frozen=True)
class Say:
    """Send ``text`` to the bot as a message."""

    text: str


@dataclass(frozen=True)
class Command:
    """Run sandbox command ``name`` with ``argument`` ("" when none was given)."""

    name: str
    argument: str = ""


@dataclass(frozen=True)
class Problem:
    """The line was meant as a sandbox command but is not a valid one."""

    message: str


Action = Say | Command | Problem


def parse_line(line: str) -> Action | None:
    """Return what ``line`` asks for, or None for a blank line."""
    text = line.strip()
    if not text:
        return None
    if text.startswith("::"):
        return Say(text[1:])
    found = _COMMAND.match(text)
    if found is None:
        return Say(text)  # ":)" or ": hi" are just text
    typed, argument = found.group(1).lower(), (found.group(2) or "").strip()
    name = _ALIASES.get(typed, typed)
    spec = _BY_NAME.get(name)
    if spec is None:
        return Problem(_unknown(typed))
    if spec.needs_argument and not argument:
        return Problem(f":{name} needs {spec.usage}, for example: {spec.example}")
    return Command(name, argument)


def _unknown(typed: str) -> str:
    close = difflib.get_close_matches(typed, list(_BY_NAME), n=1, cutoff=0.6)
    guess = f"Did you mean :{close[0]}? " if close else ""
    return (f"Unknown sandbox command :{typed}. {guess}Type :help for the list, "
            f"or ::{typed} to send it to the bot as text.")


def help_lines() -> list[str]:
    """Return the text of ``:help``."""
    width = max(len(f":{spec.name} {spec.usage}".rstrip()) for spec in COMMANDS)
    lines = ["Type a message for the bot (/commands too), or a sandbox command:"]
    for spec in COMMANDS:
        lines.append(f"{f':{spec.name} {spec.usage}'.rstrip():<{width}}  {spec.summary}")
    lines.append("Start a line with :: to send text that begins with ':'.")
    return lines
