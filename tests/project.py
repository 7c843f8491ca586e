"""Where the framework is, and the framework tests' own project (never the user's config.yaml or apps/)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # bot.py, scaletg_ptb/, modules/
FIXTURE_PROJECT = ROOT / "tests" / "fixture_project"  # a config.yaml and the sample apps as shipped
FIXTURE_CONFIG = FIXTURE_PROJECT / "config.yaml"


def make_project(folder: Path, apps: list[str], modules: tuple[str, ...] = ()) -> Path:
    """Write a project in ``folder`` with links to these fixture apps and modules; return its config."""
    for kind, names, source in (("apps", apps, ROOT / "tests" / "fixture_apps"),
                                ("modules", modules, ROOT / "tests" / "fixture_modules")):
        (folder / kind).mkdir(parents=True, exist_ok=True)
        for name in names:
            (folder / kind / name).symlink_to(source / name, target_is_directory=True)
    config = folder / "config.yaml"
    config.write_text(f"apps: [{', '.join(apps)}]\nmodules: {{{', '.join(f'{m}: {{}}' for m in modules)}}}\n")
    return config
