"""A user chatting with the bot, and what one message of theirs got back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..core import Message, Update
from ..dispatch import Outcome
from .actions import CallbackAnswer, Event, describe, shown, text_of
from .everyday import EverydayUser

if TYPE_CHECKING:
    from .kit import SandboxBot

Json = dict[str, Any]


@dataclass(frozen=True)
class Exchange:
    """What the user did, and everything the bot did in that chat while processing it."""

    action: str  # e.g. 'Alice said "/start"'
    sent: Json  # what the user sent: the message or the callback query
    outcome: Outcome
    replies: tuple[Message, ...]  # new bot messages in the chat, in order (as edited meanwhile)
    calls: tuple[Any, ...]  # every Bot API call made meanwhile (emulator Call records)
    actions: tuple[Event, ...] = ()  # the bot's sends, edits, deletions and button answers in the chat

    @property
    def answered_by(self) -> str | None:
        """Return the app whose result was taken, or None."""
        return self.outcome.app

    @property
    def texts(self) -> list[str | None]:
        """Return the text (or caption) of every reply."""
        return [reply.text if reply.text is not None else reply.caption for reply in self.replies]

    @property
    def reply(self) -> Message:
        """Return the only reply; fail if there was not exactly one."""
        if len(self.replies) != 1:
            raise AssertionError(f"{self.action}; expected exactly one reply, {self._sent()}")
        return self.replies[0]

    @property
    def text(self) -> str | None:
        """Return the only reply's text."""
        return self.reply.text

    @property
    def edits(self) -> list[Message]:
        """Return the messages the bot edited, as each edit left them, in order."""
        return [Message(event["message"]) for event in self.actions if event["kind"] == "edit"]

    @property
    def deleted(self) -> list[int]:
        """Return the ids of the messages the bot deleted, in order."""
        return [event["message_id"] for event in self.actions if event["kind"] == "delete"]

    @property
    def callback_answer(self) -> CallbackAnswer | None:
        """Return the bot's answer to the button press of this exchange, or None."""
        for event in self.actions:
            if event["kind"] == "answer_callback" and event.get("callback_query_id") == self.sent.get("id"):
                return CallbackAnswer(event.get("text"), bool(event.get("show_alert")), event.get("url"))
        return None

    def expect(self, *texts: str) -> Exchange:
        """Assert that the bot replied with exactly these texts, in order."""
        if list(texts) != self.texts:
            wanted = "\n".join(f"  {shown(text)}" for text in texts) or "  (nothing)"
            raise AssertionError(f"{self.action}; expected the bot to reply:\n{wanted}\n{self._sent()}")
        return self

    def expect_nothing(self) -> Exchange:
        """Assert that the bot sent nothing to this chat."""
        return self.expect()

    def expect_edit(self, *texts: str) -> Exchange:
        """Assert that the bot edited messages in this chat to exactly these texts (or captions), in order."""
        if list(texts) != [text_of(message.raw) for message in self.edits]:
            wanted = "\n".join(f"  {shown(text)}" for text in texts) or "  (no edit)"
            raise AssertionError(f"{self.action}; expected the bot to edit a message to:\n{wanted}\n{self._did()}")
        return self

    def expect_deleted(self, *messages: Message | int) -> Exchange:
        """Assert that the bot deleted exactly these messages (views or ids), in order."""
        wanted = [m if isinstance(m, int) else m.message_id for m in messages]
        if wanted != self.deleted:
            ids = ", ".join(map(str, wanted)) or "none"
            raise AssertionError(f"{self.action}; expected the bot to delete messages: {ids}\n{self._did()}")
        return self

    def expect_answer(self, text: str | None = None, *, show_alert: bool | None = None) -> Exchange:
        """Assert that the bot answered the button press (with this text, as an alert or not, if given)."""
        answer = self.callback_answer
        if (answer is None or (text is not None and answer.text != text)
                or (show_alert is not None and answer.show_alert != show_alert)):
            wanted = "" if text is None else f" with {shown(text)}"
            wanted += {None: "", True: " as an alert", False: " as a notification"}[show_alert]
            raise AssertionError(f"{self.action}; expected the bot to answer the button press{wanted}\n{self._did()}")
        return self

    def calls_of(self, method: str) -> list[Any]:
        """Return the calls of ``method`` (e.g. answerCallbackQuery) made meanwhile."""
        return [call for call in self.calls if call.method == method]

    def _sent(self) -> str:
        lines = "\n".join(f"  {shown(text)}" for text in self.texts) or "  (nothing)"
        others = [describe(event) for event in self.actions if event["kind"] != "send"]
        also = "".join(f"\n  {line}" for line in others)
        return f"but it sent ({self.outcome.describe()}):\n{lines}" + (f"\nand it also:{also}" if others else "")

    def _did(self) -> str:
        lines = "\n".join(f"  {describe(event)}" for event in self.actions) or "  (nothing)"
        return f"but it did ({self.outcome.describe()}):\n{lines}"


class ChatUser(EverydayUser):
    """A user in a chat with the bot: says things, presses buttons, reads replies."""

    def __init__(self, bot: SandboxBot, user: Json, chat: Json) -> None:
        self.bot = bot
        self.user = user
        self.chat = chat

    @property
    def name(self) -> str:
        return self.user["first_name"]

    def in_group(self, group: Json) -> ChatUser:
        """Return this user speaking in ``group``."""
        return ChatUser(self.bot, self.user, group)

    def says(self, text: str) -> Exchange:
        """Send ``text`` to the chat and wait until the bot has processed it."""
        return self._exchange(f"{self.name} said {shown(text)}",
                              lambda emu: emu.user_says(self.user, self.chat, text), "message")

    def edits(self, said: Exchange, new_text: str) -> Exchange:
        """Edit the message of an earlier ``says`` to ``new_text``."""
        return self._exchange(f"{self.name} edited their message to {shown(new_text)}",
                              lambda emu: emu.user_edits(self.user, said.sent, new_text), "edited_message")

    def sends_photo(self, caption: str | None = None, *, data: bytes | None = None) -> Exchange:
        """Send a photo (with an optional caption; ``data``: its bytes, for the app to download)."""
        return self._exchange(f"{self.name} sent a photo",
                              lambda emu: emu.user_sends_photo(self.user, self.chat, caption, data), "message")

    def presses(self, button: str | None = None, *, data: str | None = None,
                message: Message | None = None) -> Exchange:
        """Press the button with this text (or callback ``data``) of the bot's last keyboard, inline or reply."""
        if button is not None and data is None and message is None and self._reply_keyboard_is_latest():
            return self._exchange(f"{self.name} pressed {button!r}", lambda emu: emu.press_reply_button(
                self.user, self.chat, button), "message")
        target = message.to_dict() if message is not None else self._last_keyboard()
        label = button if button is not None else data
        return self._exchange(f"{self.name} pressed {label!r}",
                              lambda emu: emu.press_button(self.user, target, data, text=button),
                              "callback_query")

    @property
    def messages(self) -> list[Message]:
        """Return every message the bot has sent in this chat."""
        return [Message(m) for m in self.bot.emulator.bot_messages(self.chat["id"])]

    def _last_keyboard(self) -> Json:
        for message in reversed(self.bot.emulator.bot_messages(self.chat["id"])):
            if "inline_keyboard" in message.get("reply_markup", {}):
                return message
        raise AssertionError(f"the bot has sent no message with inline buttons to {self.name}")

    def _exchange(self, action: str, act: Callable[[Any], Any], kind: str,
                  follow: Callable[[Any], list[Callable[[Update], bool]]] | None = None) -> Exchange:
        """Act, then wait for the update(s) it made (``follow`` picks them; the last one's outcome counts)."""
        emu = self.bot.emulator
        mark = self.bot.actions.mark()
        calls_before = len(emu.calls)
        payload = act(emu)
        for matches in follow(payload) if follow else [_matcher(kind, payload)]:
            outcome = self.bot.wait_processed(matches, action)
        sent = payload[0] if isinstance(payload, tuple) else payload
        actions = self.bot.actions.since(mark, self.chat["id"])
        return Exchange(action, sent, outcome, _replies(actions), tuple(emu.calls[calls_before:]), actions)


def _replies(actions: tuple[Event, ...]) -> tuple[Message, ...]:
    """Return the messages sent among ``actions``, each as later edits among them left it."""
    latest: dict[int, Json] = {}
    for event in actions:
        message = event.get("message")
        if event["kind"] == "send" or (event["kind"] == "edit" and message["message_id"] in latest):
            latest[message["message_id"]] = message
    return tuple(Message(message) for message in latest.values())


def _matcher(kind: str, payload: Json) -> Callable[[Update], bool]:
    """Return a test that picks the update the emulator made for ``payload``."""
    if kind in ("callback_query", "inline_query"):
        return lambda update: update.type == kind and update.payload.id == payload["id"]
    chat_id, message_id = payload["chat"]["id"], payload["message_id"]
    def matches(update: Update) -> bool:
        message = update.payload if update.type == kind else None
        return (isinstance(message, Message) and message.message_id == message_id
                and message.chat is not None and message.chat.id == chat_id)
    return matches
