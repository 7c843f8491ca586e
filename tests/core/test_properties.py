"""Property: any JSON-like dict with an int update_id builds, walks, reprs and round-trips."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaletg_ptb.core import UPDATE_KINDS, TelegramObject, Update, to_reply
from scaletg_ptb.core.replies import InvalidReplyError

# Real field names make the views convert (dates, nested types); arbitrary ones cover the rest.
NAMES = st.sampled_from(
    ["message", "chat", "from", "date", "edit_date", "photo", "entities", "reply_to_message",
     "callback_query", "text", "id", "until_date", "new_chat_member", "inline_keyboard",
     "reply_markup", "message_id", "user", "forward_origin", "sender", "raw", *UPDATE_KINDS]
) | st.text(max_size=8)
SCALARS = (
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False) | st.text(max_size=10)
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(NAMES, inner, max_size=5),
    max_leaves=30,
)
UPDATES = st.builds(
    lambda body, update_id: {**body, "update_id": update_id},
    st.dictionaries(NAMES, JSON, max_size=4),
    st.integers(min_value=0, max_value=2**40),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(UPDATES)
def test_arbitrary_updates_never_crash(raw: dict[str, Any]) -> None:
    before = json.dumps(raw, sort_keys=True)
    built = Update(raw)
    walk(built)
    repr(built)
    dir(built)
    hash(built)
    for name in ("type", "payload", "effective_chat", "effective_user", "effective_message"):
        getattr(built, name)
    try:
        to_reply("hi", app="prop", update=built)
    except InvalidReplyError:
        pass  # no chat: a clear error, not a crash
    assert built.to_dict() == raw
    assert json.dumps(built.to_dict(), sort_keys=True) == before
    assert built == Update(raw)
    assert json.dumps(raw, sort_keys=True) == before


def walk(value: Any) -> None:
    """Read every present field, by attribute where it can be one, and documented ones too."""
    if isinstance(value, TelegramObject):
        for key in value.raw:
            item = value[key]
            if key.isidentifier() and not hasattr(type(value), key):
                assert _same(getattr(value, key), item)
            walk(item)
        for name in ("from_user", "text", "chat", "date"):
            try:
                getattr(value, name)
            except AttributeError as error:
                assert "has no attribute" in str(error)
    elif isinstance(value, tuple):
        for item in value:
            walk(item)


def _same(one: Any, other: Any) -> bool:
    """Tell whether two exposed values are the same field read twice."""
    return one is other or one == other
