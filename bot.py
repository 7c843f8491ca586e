#!/usr/bin/env python
"""Run the ScaleTG apps listed in config.yaml as a Telegram bot, by long polling.

    python bot.py [--config PATH] [--log-level LEVEL] [--sandbox] [--reload] [--check]
    python bot.py startapp NAME

Like python-telegram-bot's echobot: load the settings, build the Application,
register one handler (the ScaleTG adapter), then poll until Ctrl-C or SIGTERM.
With --sandbox, the same runner polls a local Bot API emulator instead and you chat
with the bot in the terminal: no token, no internet. With --reload, this process watches
the files and runs the bot as a child process, restarting it whenever the code changes.
The config is config.yaml beside this file, from whatever folder it is started.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from scaletg_ptb import ConfigError, Redactor, Registry, build_application, configure_logging, load_config
from scaletg_ptb.adapter import Role, allowed_updates
from scaletg_ptb.application import TokenRejected
from scaletg_ptb.cli import (
    EXIT_CONFIG_ERROR,
    EXIT_RUNTIME_ERROR,
    ROLES,
    check,
    fail,
    load_registry,
    parse_args,
    startapp,
    token_missing,
)
from scaletg_ptb.config import check_config
from scaletg_ptb.eventloop import choose_event_loop, event_loop
from scaletg_ptb.inbox import InboxError
from scaletg_ptb.reload import ReloaderLink
from scaletg_ptb.urls import is_redis_url

PROJECT = Path(__file__).resolve().parent


def main(argv: Sequence[str] | None = None) -> int:
    """Start the bot; return the exit status."""
    args = parse_args(argv, project=PROJECT)
    if args.command and args.command[0] == "inbox":
        return inbox(args)
    if args.command and args.command[0] in ROLES:
        return run(args, role=args.command[0])
    if args.command:  # startapp NAME
        return startapp(args.command[1], args.config)
    if args.check:
        return check(args.config, sandbox=args.sandbox)
    if args.reload:
        if not args.sandbox and (problem := token_missing(args.config)):
            # A file change cannot set an environment variable: say so now rather than wait.
            return fail(problem, EXIT_CONFIG_ERROR)
        from scaletg_ptb.reload.main import run_reload

        return run_reload(args, script=__file__)
    if args.sandbox:
        from scaletg_ptb.sandbox import run_sandbox

        return run_sandbox(args)
    return run(args)


def run(args: argparse.Namespace, role: Role = "all") -> int:
    """Run the bot (or one ``role`` of it) against the Bot API until a stop signal; return the exit status."""
    redactor = Redactor()
    link = ReloaderLink.from_environ()  # set when `--reload` runs this process as its child
    try:
        config, checker = check_config(args.config)
        if link is not None:
            config = link.adapt(config)
        redactor.add_config(config)  # a Redis password is a secret like the token
        configure_logging(args.log_level or config.log_level, redactor)
        loop = choose_event_loop()  # uvloop where installed, unless SCALETG_EVENT_LOOP=asyncio
        if role != "all" and not is_redis_url(config.inbox):
            raise ConfigError(f"python bot.py {role} runs one role of a bot spread over several processes, which "
                              "share their inbox in Redis: set 'inbox' in the config (inbox: redis://host:6379/0) "
                              "or SCALETG_INBOX. For one process, run python bot.py.")
        if role == "poll":  # the poller never runs apps: it loads none
            if checker.errors:
                raise ConfigError(*checker.errors)
            registry = Registry(config.root)
        else:
            registry = load_registry(config, args.config, checker.errors)
        application = build_application(config, registry, handle_signals=True, role=role)
        if link is not None:
            link.attach(application)
    except ConfigError as exc:
        return fail(exc, EXIT_CONFIG_ERROR, redactor)
    application.retry_start = True  # an unreachable API at start is retried, with a log line per streak
    try:
        # Blocks until Ctrl-C / SIGTERM, then finishes the updates in hand and shuts down.
        # The stop signals are the runner's own, so that a second one can force the stop.
        with event_loop(loop):
            application.run_polling(
                allowed_updates=allowed_updates(config),
                timeout=int(config.polling.timeout),
                drop_pending_updates=config.polling.drop_pending_updates,
                bootstrap_retries=-1,
                stop_signals=None,
            )
    except InboxError as exc:
        return fail(exc, EXIT_RUNTIME_ERROR, redactor)
    except TokenRejected:
        return fail(f"Telegram rejected the bot token (401 Unauthorized). Check {config.token_source}: "
                    "@BotFather shows the current token (/mybots, API Token).", EXIT_RUNTIME_ERROR, redactor)
    if application.fatal_error is not None:
        return fail("Telegram rejected the bot token while the bot was running (401 Unauthorized): "
                    "it was revoked or changed. Update 'token' and start again.", EXIT_RUNTIME_ERROR, redactor)
    return 0


def inbox(args: argparse.Namespace) -> int:
    """Run ``python bot.py inbox ...``: print the inbox's state or repair it."""
    from scaletg_ptb.inbox.command import run_inbox_command

    redactor = Redactor()
    try:
        config = load_config(args.config, require_token=False)
        redactor.add_config(config)
        print(redactor(run_inbox_command(config, args.command[1:], args.show_content)))
    except ConfigError as exc:
        return fail(exc, EXIT_CONFIG_ERROR, redactor)
    except InboxError as exc:
        return fail(exc, EXIT_RUNTIME_ERROR, redactor)
    return 0


if __name__ == "__main__":
    sys.exit(main())
