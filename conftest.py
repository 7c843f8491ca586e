"""The ScaleTG testing kit's fixtures (sandbox_bot, make_sandbox_bot) for tests/ and apps/."""

pytest_plugins = ["scaletg_ptb.testing.plugin"]
