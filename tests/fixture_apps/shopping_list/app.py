"""A list that its buttons edit: "Add" answers and edits it, "Full?" alerts, "Clear" deletes it."""

from scaletg_ptb import Reply, Update, send_async

KEYBOARD = {"inline_keyboard": [[{"text": "Add", "callback_data": "add"}, {"text": "Full?", "callback_data": "full"},
                                 {"text": "Clear", "callback_data": "clear"}]]}


async def process(update: Update) -> Reply | str | None:
    """Show the list on /list; answer presses of its buttons."""
    if update.type == "message" and update.message.text == "/list":
        return update.message.respond("Items: 0", reply=False, reply_markup=KEYBOARD)
    if update.type != "callback_query":
        return None
    query = update.callback_query
    if query.data == "add":
        count = int(query.message.text.removeprefix("Items: ")) + 1
        await send_async(query.answer("Added!"))
        return query.message.edit_text(f"Items: {count}", reply_markup=KEYBOARD)
    if query.data == "full":
        return query.answer("Never!", show_alert=True)
    await send_async(query.answer())
    await send_async(query.message.delete())
    return "Cleared."
