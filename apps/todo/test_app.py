"""Tests of the to-do app, written with the ScaleTG testing kit (no token, no network)."""

LIST_OF_TWO = "To do:\n• buy milk\n• call Bob"


def test_add_then_list_shows_a_done_button_per_item(make_sandbox_bot):
    bot = make_sandbox_bot(apps=["todo"])
    alice = bot.user("Alice")
    alice.says("/add buy milk").expect("Added: buy milk (1 to do)")
    alice.says("/add call Bob").expect("Added: call Bob (2 to do)")
    listed = alice.says("/list").expect(LIST_OF_TWO)
    buttons = [row[0] for row in listed.reply.reply_markup.inline_keyboard]
    assert [(b.text, b.callback_data) for b in buttons] == [("✓ buy milk", "todo:done:1"),
                                                            ("✓ call Bob", "todo:done:2")]
    assert bot.chat_data(alice)["items"] == [{"id": 1, "text": "buy milk", "done": False},
                                             {"id": 2, "text": "call Bob", "done": False}]


def test_a_button_marks_its_item_done_by_id_not_by_position(make_sandbox_bot):
    bot = make_sandbox_bot(apps=["todo"])
    alice = bot.user("Alice")
    alice.says("/add buy milk")
    alice.says("/add call Bob")
    alice.says("/list")
    # The list was shown with milk first; marking milk done elsewhere first must not make its
    # button mark Bob's item (the position changed, the id did not).
    with bot.chat_data(alice) as data:
        data["items"][0]["done"] = True
    alice.presses("✓ call Bob").expect_edit("Nothing to do. /add TEXT adds an item.").expect_answer("Done: call Bob")
    alice.says("/done").expect("Done:\n✓ buy milk\n✓ call Bob")


def test_pressing_a_done_item_again_on_an_older_list_says_so(make_sandbox_bot):
    bot = make_sandbox_bot(apps=["todo"])
    alice = bot.user("Alice")
    alice.says("/add buy milk")
    alice.says("/add call Bob")
    older = alice.says("/list").reply
    alice.says("/list")
    alice.presses("✓ buy milk").expect_edit("To do:\n• call Bob").expect_answer("Done: buy milk")
    alice.presses("✓ buy milk", message=older).expect_edit("To do:\n• call Bob").expect_answer(
        "That one is already done.")


def test_each_chat_has_its_own_list(make_sandbox_bot):
    bot = make_sandbox_bot(apps=["todo"])
    alice, bob = bot.user("Alice"), bot.user("Bob")
    alice.says("/add buy milk")
    bob.says("/list").expect("Nothing to do. /add TEXT adds an item.")
    group = alice.in_group(bot.group("Flat"))
    group.says("/add clean up")
    bob.in_group(group.chat).says("/list").expect("To do:\n• clean up")
    alice.says("/done").expect("Nothing done yet.")


def test_add_without_text_says_how(make_sandbox_bot):
    make_sandbox_bot(apps=["todo"]).user("Alice").says("/add").expect("Usage: /add TEXT, e.g. /add buy milk")


def test_the_list_survives_a_restart_of_the_bot(make_sandbox_bot, tmp_path):
    first = make_sandbox_bot(apps=["todo"], state_dir=tmp_path)
    first.user("Alice").says("/add buy milk")
    first.stop()
    again = make_sandbox_bot(apps=["todo"], state_dir=tmp_path)
    again.user("Alice").says("/list").expect("To do:\n• buy milk")


def test_other_messages_are_left_alone(make_sandbox_bot):
    make_sandbox_bot(apps=["todo"]).user("Alice").says("hello").expect_nothing()


def test_done_items(make_sandbox_bot):  # the README's example of seeding storage
    bot = make_sandbox_bot(apps=["todo"])
    alice = bot.user("Alice")
    with bot.chat_data(alice) as data:
        data["items"] = [{"id": 1, "text": "milk", "done": True}]
    alice.says("/done").expect("Done:\n✓ milk")
    assert bot.chat_data(alice)["items"][0]["done"]
