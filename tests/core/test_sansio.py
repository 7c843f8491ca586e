"""The core stays sans-I/O and telegram-free; the generated schema is consistent and fresh."""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from scaletg_ptb.core import CallbackQuery, Chat, Message, TelegramObject, Update, User
from scaletg_ptb.core._schema import ARRAYS, DATES, FIELDS, KIND_TYPES, UPDATE_KINDS

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "scaletg_ptb" / "core"
# Pure computation only: no telegram, no sockets, files, threads or event loops.
ALLOWED_IMPORTS = {
    "__future__", "collections", "collections.abc", "datetime", "functools", "re", "reprlib",
    "types", "typing",
}


@pytest.mark.parametrize("path", sorted(CORE.glob("*.py")), ids=lambda path: path.name)
def test_core_modules_import_only_pure_stdlib(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 1:  # a sibling in scaletg_ptb.core
                continue
            assert node.level == 0, f"{path.name} imports outside the core: {ast.dump(node)}"
            names = [node.module or ""]
        else:
            continue
        assert set(names) <= ALLOWED_IMPORTS, f"{path.name} imports {names}"


def test_importing_the_core_does_not_import_telegram():
    # A stub parent package: only the core's own imports count (scaletg_ptb's are not ours).
    code = (
        "import sys, types; "
        "parent = types.ModuleType('scaletg_ptb'); parent.__path__ = ['scaletg_ptb']; "
        "sys.modules['scaletg_ptb'] = parent; "
        "import scaletg_ptb.core as core; "
        "core.Update({'update_id': 1, 'message': {'text': 'x'}}).message.text; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('telegram', 'httpx', 'socket', 'asyncio')); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


VIEWS = [Update, Message, User, Chat, CallbackQuery, TelegramObject]


@pytest.mark.parametrize("view", VIEWS, ids=lambda view: view.__name__)
def test_view_attributes_never_shadow_a_documented_field(view):
    served = view._api_types or tuple(FIELDS)  # the generic view serves every other type
    own = {name for name in dir(view) if not name.startswith("_")}
    for api_type in served:
        assert not own & set(FIELDS[api_type]), (api_type, own & set(FIELDS[api_type]))


def test_schema_is_self_consistent():
    assert tuple(KIND_TYPES) == UPDATE_KINDS
    assert set(UPDATE_KINDS) == set(FIELDS["Update"]) - {"update_id"}
    for api_type, fields in FIELDS.items():
        for field, nested in fields.items():
            assert nested is None or nested in FIELDS, (api_type, field, nested)
        assert set(ARRAYS.get(api_type, {})) <= set(fields)
        assert DATES.get(api_type, frozenset()) <= set(fields)
    assert FIELDS["Message"]["from"] == "User" and "from_user" not in FIELDS["Message"]
    assert FIELDS["CallbackQuery"]["message"] == "MaybeInaccessibleMessage"
    assert {"text", "date", "chat", "message_id"} <= set(FIELDS["MaybeInaccessibleMessage"])
    assert {"status", "user", "until_date", "can_post_messages"} <= set(FIELDS["ChatMember"])
    assert {"type", "sender_user", "sender_chat", "chat"} <= set(FIELDS["MessageOrigin"])
    assert {"emoji", "custom_emoji_id"} <= set(FIELDS["ReactionType"])
    assert "api_kwargs" not in FIELDS["Message"] and "filename" not in FIELDS["InputMediaPhoto"]
    assert FIELDS["InputMediaPhoto"]["type"] is None
    assert ARRAYS["InlineKeyboardMarkup"] == {"inline_keyboard": 2}
    assert ARRAYS["Message"]["photo"] == 1
    assert DATES["Message"] == {"date", "edit_date"}


def _ptb_versions() -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Return the installed PTB's version and the one the committed schema was generated from."""
    import telegram

    header = (CORE / "_schema.py").read_text(encoding="utf-8").split("python-telegram-bot ", 1)[1]
    return (tuple(telegram.__version_info__[:3]),
            tuple(int(part) for part in header.split(" ", 1)[0].split(".")))


@pytest.mark.skipif(importlib.util.find_spec("telegram") is None, reason="needs PTB (dev only)")
def test_generated_schema_is_fresh():
    installed, generated_from = _ptb_versions()
    # The run against the lowest supported PTB: its types are older, but the runtime reads only
    # the committed schema. An upgrade without regenerating still fails here.
    if installed < generated_from:
        pytest.skip("the schema is generated from a newer PTB than the installed one: "
                    f"{'.'.join(map(str, generated_from))} > {'.'.join(map(str, installed))}")
    result = subprocess.run(
        [sys.executable, "tools/gen_schema.py", "--check"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
