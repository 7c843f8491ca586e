pytest_plugins = ["scaletg_ptb.testing.plugin"]
