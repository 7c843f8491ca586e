"""What a typed line means: messages, sandbox commands, mistakes, and the help text."""

import pytest

from scaletg_ptb.sandbox.commands import Command, Problem, Say, help_lines, parse_line


@pytest.mark.parametrize("line, action", [
    ("hello", Say("hello")),
    ("  /start  \n", Say("/start")),
    ("/start@ScaleTGBot now", Say("/start@ScaleTGBot now")),
    (":)", Say(":)")),
    (": not a command", Say(": not a command")),
    ("::help", Say(":help")),
    (":help", Command("help")),
    (":HELP", Command("help")),
    (":?", Command("help")),
    (":press 1", Command("press", "1")),
    (":press   Show commands ", Command("press", "Show commands")),
    (":user", Command("user")),
    (":user Bob Smith", Command("user", "Bob Smith")),
    (":group", Command("group")),
    (":group Book club", Command("group", "Book club")),
    (":private", Command("private")),
    (":edit hi\nthere", Command("edit", "hi\nthere")),
    (":photo", Command("photo")),
    (":photo A cat", Command("photo", "A cat")),
    (":quit", Command("quit")),
    (":q", Command("quit")),
    (":exit", Command("quit")),
])
def test_lines_become_messages_or_commands(line, action):
    assert parse_line(line) == action


@pytest.mark.parametrize("line", ["", "   ", "\n"])
def test_blank_lines_are_ignored(line):
    assert parse_line(line) is None


@pytest.mark.parametrize("line, message", [
    (":xyz", "Unknown sandbox command :xyz. Type :help for the list, or ::xyz to send it to the bot as text."),
    (":pres 1", ("Unknown sandbox command :pres. Did you mean :press? Type :help for the list, "
                 "or ::pres to send it to the bot as text.")),
    (":press", ":press needs N|TEXT, for example: :press 1"),
    (":edit  ", ":edit needs TEXT, for example: :edit hello again"),
    (":inline", ":inline needs QUERY, for example: :inline cats"),
    (":choose", ":choose needs N, for example: :choose 1"),
    (":document", ":document needs PATH [CAPTION], for example: :document notes.txt"),
    (":join", ":join needs NAME, for example: :join Bob"),
    (":vote", ":vote needs N, for example: :vote 1"),
])
def test_mistakes_say_what_to_do(line, message):
    assert parse_line(line) == Problem(message)


def test_help_lists_every_command_aligned():
    assert help_lines() == [
        'Type a message for the bot (/commands too), or a sandbox command:',
        ':help                     list these commands',
        ':press N|TEXT             press button N (or the one labelled TEXT) of the latest keyboard',
        ':inline QUERY             ask the bot inline (@bot QUERY): it lists its results',
        ":choose N                 post result N of the bot's latest inline answer here",
        ':user NAME                become another user, created on first use (no NAME: list the users)',
        ':group [TITLE]            talk in a group chat that every user shares',
        ':private                  go back to your private chat with the bot',
        ':join NAME                have user NAME (or @bot) join this group',
        ':leave NAME               have user NAME (or @bot) leave this group',
        ':edit TEXT                edit your last message in this chat',
        ':photo [PATH] [CAPTION]   send a photo (the file PATH, if given)',
        ':document PATH [CAPTION]  send the file PATH',
        ':vote N                   vote for option N of the latest poll',
        ':quit                     leave the sandbox (Ctrl-D and Ctrl-C too)',
        "Start a line with :: to send text that begins with ':'.",
    ]
