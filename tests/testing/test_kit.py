"""The testing kit: what an exchange shows (replies, edits, deletions, button answers) and how it fails."""

import pytest

from scaletg_ptb.testing import CallbackAnswer

from ..project import make_project


@pytest.fixture
def alice(make_sandbox_bot, tmp_path):
    """Alice, chatting with a bot whose only app is the fixture app shopping_list."""
    return make_sandbox_bot(config=make_project(tmp_path, ["shopping_list"])).user("Alice")


def test_a_failed_expectation_shows_what_the_bot_sent(sandbox_bot):
    with pytest.raises(AssertionError) as caught:
        sandbox_bot.user("Alice").says("hi").expect("bye")
    assert str(caught.value) == (
        "Alice said 'hi'; expected the bot to reply:\n  'bye'\n"
        "but it sent (answered by 'echo' (sendMessage)):\n  'hi'"
    )


def test_edits_button_answers_and_deletions_are_assertable(alice):
    listed = alice.says("/list").expect("Items: 0")
    added = alice.presses("Add").expect_nothing().expect_edit("Items: 1").expect_answer("Added!")
    assert [edit.message_id for edit in added.edits] == [listed.reply.message_id]
    assert added.callback_answer == CallbackAnswer("Added!", show_alert=False)
    alice.presses("Add").expect_edit("Items: 2")
    assert alice.presses("Full?").expect_answer("Never!", show_alert=True).edits == []
    cleared = alice.presses("Clear").expect("Cleared.").expect_deleted(listed.reply).expect_answer()
    assert cleared.deleted == [listed.reply.message_id]
    assert cleared.callback_answer == CallbackAnswer(None)
    assert alice.messages[-1].text == "Cleared."


def test_a_failed_edit_expectation_shows_everything_the_bot_did(alice):
    listed = alice.says("/list")
    added = alice.presses("Add")
    with pytest.raises(AssertionError) as caught:
        added.expect_edit("Items: 2")
    assert str(caught.value) == (
        "Alice pressed 'Add'; expected the bot to edit a message to:\n  'Items: 2'\n"
        "but it did (answered by 'shopping_list' (editMessageText)):\n"
        "  answered the button press with 'Added!'\n"
        f"  edited message {listed.reply.message_id} to 'Items: 1'"
    )


def test_an_edit_instead_of_a_reply_is_named_when_a_reply_was_expected(alice):
    listed = alice.says("/list")
    with pytest.raises(AssertionError) as caught:
        alice.presses("Add").text  # noqa: B018 - the property is what fails
    assert str(caught.value) == (
        "Alice pressed 'Add'; expected exactly one reply, but it sent (answered by 'shopping_list' "
        "(editMessageText)):\n  (nothing)\nand it also:\n  answered the button press with 'Added!'\n"
        f"  edited message {listed.reply.message_id} to 'Items: 1'"
    )


def test_failed_answer_and_deletion_expectations_say_what_was_wanted(alice):
    listed = alice.says("/list")
    with pytest.raises(AssertionError) as caught:
        listed.expect_answer()
    assert str(caught.value) == (
        "Alice said '/list'; expected the bot to answer the button press\n"
        "but it did (answered by 'shopping_list' (sendMessage)):\n  sent 'Items: 0'"
    )
    with pytest.raises(AssertionError) as caught:
        alice.presses("Full?").expect_answer("Never!", show_alert=False)
    assert str(caught.value).startswith(
        "Alice pressed 'Full?'; expected the bot to answer the button press with 'Never!' as a notification\n"
        "but it did (answered by 'shopping_list' (answerCallbackQuery)):\n"
        "  answered the button press with 'Never!' as an alert")
    with pytest.raises(AssertionError) as caught:
        listed.expect_deleted(listed.sent["message_id"])
    assert str(caught.value).startswith(
        f"Alice said '/list'; expected the bot to delete messages: {listed.sent['message_id']}\nbut it did")


def test_long_texts_are_shortened_in_failures(sandbox_bot):
    with pytest.raises(AssertionError) as caught:
        sandbox_bot.user("Alice").says("a" * 300).expect("b")
    assert str(caught.value) == (
        f"Alice said {'a' * 60!r}… (300 characters); expected the bot to reply:\n  'b'\n"
        f"but it sent (answered by 'echo' (sendMessage)):\n  {'a' * 60!r}… (300 characters)"
    )
