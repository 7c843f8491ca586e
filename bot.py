#!/usr/bin/env python
"""Run the ScaleTG apps listed in config.yaml as a Telegram bot, by long polling.

    python bot.py [--config PATH] [--log-level LEVEL]

Like python-telegram-bot's echobot: load the settings, build the Application,
register one handler (the ScaleTG adapter), then poll until Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from telegram.error import InvalidToken, NetworkError

from scaletg_ptb import ConfigError, Redactor, Registry, build_application, configure_logging, load_config
from scaletg_ptb.adapter import allowed_updates
from scaletg_ptb.cli import EXIT_CONFIG_ERROR, EXIT_RUNTIME_ERROR, fail, parse_args


def main(argv: Sequence[str] | None = None) -> int:
    """Start the bot; return the exit status."""
    args = parse_args(argv)
    redactor = Redactor()
    try:
        config = load_config(args.config)
        redactor.add(config.token)
        configure_logging(args.log_level or config.log_level, redactor)
        registry = Registry(config.root, config_name=args.config)
        registry.populate(config.apps, config.modules)
        application = build_application(config, registry)
    except ConfigError as exc:
        return fail(exc, EXIT_CONFIG_ERROR, redactor)

    try:
        # Blocks until Ctrl-C / SIGTERM, then shuts down gracefully.
        application.run_polling(
            allowed_updates=allowed_updates(config),
            timeout=int(config.polling.timeout),
            drop_pending_updates=config.polling.drop_pending_updates,
        )
    except InvalidToken:
        return fail("Telegram rejected the bot token (401 Unauthorized). Check 'token' in "
                    f"{args.config} or TELEGRAM_BOT_TOKEN.", EXIT_RUNTIME_ERROR, redactor)
    except NetworkError as exc:
        return fail(f"cannot reach the Bot API at {config.base_url}: {exc}", EXIT_RUNTIME_ERROR, redactor)
    return 0


if __name__ == "__main__":
    sys.exit(main())
