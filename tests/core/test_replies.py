"""Reply and to_reply(): what an app may return and what it means."""

from __future__ import annotations

import copy
import pickle
from pathlib import Path

import pytest

from scaletg_ptb.core import InvalidReplyError, Reply, to_reply


def test_reply_holds_method_and_read_only_params():
    reply = Reply("sendMessage", chat_id=1, text="hi")
    assert reply.method == "sendMessage"
    assert dict(reply.params) == {"chat_id": 1, "text": "hi"}
    with pytest.raises(TypeError):
        reply.params["text"] = "x"  # type: ignore[index]
    with pytest.raises(AttributeError, match="Reply objects are read-only"):
        reply.method = "sendPhoto"  # type: ignore[misc]
    with pytest.raises(AttributeError, match="Reply objects are read-only"):
        del reply.method


def test_reply_equality_hash_repr():
    one = Reply("sendMessage", chat_id=1, text="hi")
    assert one == Reply("sendMessage", text="hi", chat_id=1)
    assert hash(one) == hash(Reply("sendMessage", text="hi", chat_id=1))
    assert one != Reply("sendMessage", chat_id=1, text="ho")
    assert one != Reply("sendPhoto", chat_id=1, text="hi")
    assert one != ("sendMessage", {"chat_id": 1, "text": "hi"})
    assert repr(one) == "Reply('sendMessage', chat_id=1, text='hi')"
    assert repr(Reply("getMe")) == "Reply('getMe')"
    assert hash(Reply("sendMessage", reply_markup={"inline_keyboard": []}))  # dict values: fine


def test_reply_accepts_local_files(tmp_path):
    path = tmp_path / "doc.txt"
    with open(__file__, "rb") as handle:
        reply = Reply("sendDocument", chat_id=1, document=handle)
        assert reply.params["document"] is handle
    assert Reply("sendPhoto", chat_id=1, photo=path).params["photo"] == path
    assert Reply("sendPhoto", chat_id=1, photo=b"\x89PNG").params["photo"] == b"\x89PNG"
    assert isinstance(Reply("sendPhoto", photo=Path("a.png")).params["photo"], Path)


@pytest.mark.parametrize(
    "method", ["send_message", "SendMessage", "", "sendMessage ", "send2", "/sendMessage", 5, None]
)
def test_reply_rejects_non_method_names(method):
    with pytest.raises(ValueError) as caught:
        Reply(method)  # type: ignore[arg-type]
    assert str(caught.value) == (
        "Reply method must be a Bot API method name like 'sendMessage' (letters only, starting "
        f"lowercase), got {method!r}."
    )


def test_reply_method_is_positional_only_so_params_may_be_called_method():
    assert Reply("setMyName", method="x").params["method"] == "x"


def test_reply_pickles_and_copies():
    reply = Reply("sendMessage", chat_id=1, text="hi")
    assert pickle.loads(pickle.dumps(reply)) == reply
    assert copy.deepcopy(reply) == reply


def test_to_reply_maps_app_results(update):
    built = update("private_command")
    assert to_reply(None, app="echo", update=built) is None
    assert to_reply("", app="echo", update=built) is None
    assert to_reply("hi", app="echo", update=built) == Reply(
        "sendMessage", chat_id=123456789, text="hi"
    )
    reply = Reply("sendSticker", chat_id=1, sticker="CAAC")
    assert to_reply(reply, app="echo", update=built) is reply


def test_str_goes_to_the_effective_chat(update):
    assert to_reply("ok", app="a", update=update("callback_query")).params["chat_id"] == 123456789
    assert to_reply("ok", app="a", update=update("channel_post")).params == {
        "chat_id": -1001122334455, "text": "ok",
    }


@pytest.mark.parametrize(
    ("value", "type_name"),
    [(42, "int"), (b"hi", "bytes"), (True, "bool"), ({"text": "hi"}, "dict"), (["a"], "list"),
     (("sendMessage", {}), "tuple")],
)
def test_to_reply_rejects_other_types(value, type_name):
    built = _update_42()
    with pytest.raises(InvalidReplyError) as caught:
        to_reply(value, app="echo", update=built)
    assert str(caught.value) == (
        f"App 'echo' returned {type_name} for update id=42; process() must return None (not mine), "
        '"" (handled, nothing to send), a str (sent as a text message) or a scaletg_ptb.Reply.'
    )
    assert isinstance(caught.value, TypeError)


def test_to_reply_str_without_a_chat():
    from scaletg_ptb.core import Update

    built = Update({"update_id": 42, "inline_query": {"id": "1", "from": {"id": 1}, "query": ""}})
    with pytest.raises(InvalidReplyError) as caught:
        to_reply("hi", app="echo", update=built)
    assert str(caught.value) == (
        "App 'echo' returned a str for update id=42 (inline_query), which has no chat to send it "
        "to; return a scaletg_ptb.Reply instead."
    )
    assert to_reply("", app="echo", update=built) is None


def _update_42():
    from scaletg_ptb.core import Update

    return Update({"update_id": 42, "message": {"message_id": 1, "date": 0,
                                                "chat": {"id": 1, "type": "private"}}})
