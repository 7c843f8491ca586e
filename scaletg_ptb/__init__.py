"""ScaleTG apps on python-telegram-bot long polling."""
