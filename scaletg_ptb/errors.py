"""The one exception type for misconfiguration."""


class ConfigError(Exception):
    """Raise when the config, an app or a module is set up wrong.

    The message is one line that quotes the bad value and says how to fix it;
    the CLI prints it as is and exits with status 2.
    """
