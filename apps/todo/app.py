"""A to-do list per chat, kept with modules.storage: /add TEXT, /list (a button marks an item done), /done."""

from typing import Any

from modules.commands import match
from modules.storage import chat_data
from scaletg_ptb import Reply, Update, send_async

COMMANDS = {"add": "Add an item to the to-do list", "list": "Show the to-do list", "done": "Show the items done"}
PRESS = "todo:done:"  # a button's callback data: this prefix and the item's id (stable, unlike its position)


async def process(update: Update) -> Reply | str | None:
    """Answer /add, /list and /done, and the presses of the list's buttons."""
    if update.type == "callback_query" and (update.callback_query.data or "").startswith(PRESS):
        return await mark_done(update)
    command = match(update, "add", "list", "done")
    if command is None:
        return None
    async with chat_data(update) as data:  # this chat's dict: loaded now, saved when the block ends
        items: list[dict[str, Any]] = data.setdefault("items", [])
        if command.name == "add":
            if not command.args:
                return "Usage: /add TEXT, e.g. /add buy milk"
            data["next_id"] = data.get("next_id", 0) + 1
            items.append({"id": data["next_id"], "text": command.args, "done": False})
            return f"Added: {command.args} ({len(to_do(items))} to do)"
        if command.name == "done":
            done = [item["text"] for item in items if item["done"]]
            return "Done:\n" + "\n".join(f"✓ {text}" for text in done) if done else "Nothing done yet."
        text, keyboard = show(items)
        return update.message.respond(text, reply=False, reply_markup=keyboard)


async def mark_done(update: Update) -> Reply:
    """Mark the pressed item done, answer the press and show the list again."""
    query = update.callback_query
    item_id = query.data.removeprefix(PRESS)
    async with chat_data(update) as data:
        items = data.get("items", [])
        item = next((item for item in items if str(item["id"]) == item_id), None)
        if item is None or item["done"]:
            await send_async(query.answer("That one is already done."))
        else:
            item["done"] = True
            await send_async(query.answer(f"Done: {item['text']}"))
    text, keyboard = show(items)
    return query.message.edit_text(text, reply_markup=keyboard)


def to_do(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the items not done yet."""
    return [item for item in items if not item["done"]]


def show(items: list[dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    """Return the list's text and a keyboard with one "done" button per item to do."""
    open_items = to_do(items)
    if not open_items:
        return "Nothing to do. /add TEXT adds an item.", {"inline_keyboard": []}
    text = "To do:\n" + "\n".join(f"• {item['text']}" for item in open_items)
    buttons = [[{"text": f"✓ {item['text']}", "callback_data": f"{PRESS}{item['id']}"}] for item in open_items]
    return text, {"inline_keyboard": buttons}
