"""Apps: packages whose app.py defines process(update); enable them in config.yaml."""
