"""Modules: helper packages that give apps extra functionality (they never answer updates)."""
