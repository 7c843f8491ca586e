"""A module that rejects any setting but 'level'."""
settings = {}


def setup(config):
    if set(config) - {"level"}:
        raise ValueError(f"unknown setting {sorted(set(config) - {'level'})[0]!r}; use 'level'.")
    settings.update(config)
