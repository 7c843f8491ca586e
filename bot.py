#!/usr/bin/env python
"""Run the ScaleTG apps listed in config.yaml as a Telegram bot, by long polling.

    python bot.py [--config PATH] [--log-level LEVEL] [--sandbox] [--reload] [--check]
    python bot.py startapp NAME

Like python-telegram-bot's echobot: load the settings, build the Application,
register one handler (the ScaleTG adapter), then poll until Ctrl-C or SIGTERM.
With --sandbox, the same runner polls a local Bot API emulator instead and you chat
with the bot in the terminal: no token, no internet. With --reload, this process watches
the files and runs the bot as a child process, restarting it whenever the code changes.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from telegram.error import InvalidToken

from scaletg_ptb import ConfigError, Redactor, Registry, build_application, configure_logging, load_config
from scaletg_ptb.adapter import allowed_updates
from scaletg_ptb.cli import EXIT_CONFIG_ERROR, EXIT_RUNTIME_ERROR, fail, parse_args, startapp
from scaletg_ptb.inbox import InboxError
from scaletg_ptb.reload import ReloaderLink


def main(argv: Sequence[str] | None = None) -> int:
    """Start the bot; return the exit status."""
    args = parse_args(argv)
    if args.command and args.command[0] == "inbox":
        return inbox(args)
    if args.command:  # startapp NAME
        return startapp(args.command[1], args.config, interactive=sys.stdin.isatty())
    if args.reload:
        from scaletg_ptb.reload.main import run_reload

        return run_reload(args, script=__file__)
    if args.sandbox:
        from scaletg_ptb.sandbox import run_sandbox

        return run_sandbox(args)
    redactor = Redactor()
    link = ReloaderLink.from_environ()  # set when `--reload` runs this process as its child
    try:
        config = load_config(args.config)
        if link is not None:
            config = link.adapt(config)
        redactor.add(config.token)
        configure_logging(args.log_level or config.log_level, redactor)
        registry = Registry(config.root, config_name=args.config)
        registry.populate(config.apps, config.modules)
        application = build_application(config, registry, handle_signals=True)
        if link is not None:
            link.attach(application)
    except ConfigError as exc:
        return fail(exc, EXIT_CONFIG_ERROR, redactor)
    if args.check:
        print(describe_check(args.config, registry))
        return 0

    try:
        # Blocks until Ctrl-C / SIGTERM, then finishes the updates in hand and shuts down.
        # Start-up network errors are retried (bootstrap_retries=-1); the stop signals are
        # the runner's own, so that a second one can force the stop.
        application.run_polling(
            allowed_updates=allowed_updates(config),
            timeout=int(config.polling.timeout),
            drop_pending_updates=config.polling.drop_pending_updates,
            bootstrap_retries=-1,
            stop_signals=None,
        )
    except InboxError as exc:
        return fail(exc, EXIT_RUNTIME_ERROR, redactor)
    except InvalidToken:
        return fail("Telegram rejected the bot token (401 Unauthorized). Check 'token' in "
                    f"{args.config} or TELEGRAM_BOT_TOKEN.", EXIT_RUNTIME_ERROR, redactor)
    if application.fatal_error is not None:
        return fail("Telegram rejected the bot token while the bot was running (401 Unauthorized): "
                    "it was revoked or changed. Update 'token' and start again.", EXIT_RUNTIME_ERROR, redactor)
    return 0


def inbox(args: argparse.Namespace) -> int:
    """Run ``python bot.py inbox ...``: print the inbox's state or repair it."""
    from scaletg_ptb.inbox.command import run_inbox_command

    try:
        config = load_config(args.config, require_token=False)
        print(run_inbox_command(config, args.command[1:]))
    except ConfigError as exc:
        return fail(exc, EXIT_CONFIG_ERROR)
    except InboxError as exc:
        return fail(exc, EXIT_RUNTIME_ERROR)
    return 0


def describe_check(config_path: str, registry: Registry) -> str:
    """Say what --check validated."""
    apps = ", ".join(app.name for app in registry.apps) or "none"
    modules = ", ".join(module.name for module in registry.modules) or "none"
    return f"{config_path} is valid: apps {apps}; modules {modules}. (Nothing was sent to Telegram.)"


if __name__ == "__main__":
    sys.exit(main())
