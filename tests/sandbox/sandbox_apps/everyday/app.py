"""A sandbox fixture for the everyday Bot API: inline mode, reply keyboards, HTML, files, albums, groups, polls."""

from telegram import InputMediaPhoto  # Reply passes media to PTB, which wants InputMedia objects

from modules.commands import match
from scaletg_ptb import Reply, Update, download

COMMANDS = {"kb": "A reply keyboard", "bold": "Formatted text", "album": "Two photos", "poll": "A poll",
            "dice": "Roll a die", "force": "Ask for a reply", "remove": "Remove the keyboard"}
CATS = [
    {"type": "article", "id": "facts", "title": "Cat facts", "description": "Cats sleep 16 hours a day",
     "input_message_content": {"message_text": "<b>Cats</b> sleep 16 hours a day", "parse_mode": "HTML"}},
    {"type": "article", "id": "meow", "title": "Meow", "input_message_content": {"message_text": "Meow!"}},
]
KEYBOARD = {"keyboard": [["Red", "Blue"], [{"text": "Share my phone", "request_contact": True},
                                          {"text": "Where am I", "request_location": True}]],
            "resize_keyboard": True}
PIXEL = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"


def process(update: Update) -> Reply | str | None:
    """Answer the commands above, inline queries, pressed keyboard buttons, files and members."""
    if update.type == "inline_query":
        found = [c for c in CATS if update.inline_query.query.lower() in ("cats", c["id"])]
        return Reply("answerInlineQuery", inline_query_id=update.inline_query.id, results=found)
    if update.type in ("chosen_inline_result", "my_chat_member", "chat_member", "poll"):
        return ""
    if update.type == "poll_answer":
        answer = update.poll_answer
        voted = answer.option_ids[0] + 1
        return Reply("sendMessage", chat_id=answer.user.id, text=f"{answer.user.first_name} voted {voted}")
    message = update.message
    if message is None:
        return None
    if message.new_chat_members:
        return ", ".join(f"Welcome, {m.first_name}!" for m in message.new_chat_members)
    if message.left_chat_member:
        return f"Bye, {message.left_chat_member.first_name}!"
    if message.via_bot:
        return ""  # our own inline result, posted by the user
    if message.contact:
        return f"Your phone: {message.contact.phone_number}"
    if message.location:
        return "You are somewhere"
    if message.document:
        content = download(message.document.file_id)
        return f"Got {message.document.file_name}: {len(content)} bytes, starting {content[:9]!r}"
    if message.photo:
        return f"Got a photo of {len(download(message.photo[-1].file_id))} bytes"
    if message.reply_to_message and message.reply_to_message.text == "What is your name?":
        return f"Hello, {message.text}!"
    if message.text in ("Red", "Blue"):
        return message.respond(f"<i>{message.text}</i> it is.", reply=False, parse_mode="HTML")
    if match(update, "kb"):
        return message.respond("Pick a colour", reply=False, reply_markup=KEYBOARD)
    if match(update, "remove"):
        return message.respond("Keyboard gone", reply=False, reply_markup={"remove_keyboard": True})
    if match(update, "force"):
        return message.respond("What is your name?", reply=False, reply_markup={"force_reply": True})
    if match(update, "bold"):
        html = '<b>Bold</b>, <i>italic</i>, <code>code</code> and <a href="https://example.org">a link</a>'
        return message.respond(html, reply=False, parse_mode="HTML")
    if match(update, "album"):
        media = [InputMediaPhoto(PIXEL, caption="First"), InputMediaPhoto(PIXEL)]
        return Reply("sendMediaGroup", chat_id=message.chat.id, media=media)
    if match(update, "poll"):
        return Reply("sendPoll", chat_id=message.chat.id, question="Tea or coffee?", options=["Tea", "Coffee"],
                     is_anonymous=False)
    if match(update, "dice"):
        return Reply("sendDice", chat_id=message.chat.id)
    return None
