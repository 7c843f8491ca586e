"""Benchmarks: this runner vs a plain python-telegram-bot bot, over real HTTP to the Bot API emulator."""
