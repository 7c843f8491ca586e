"""The kit's everyday Bot API: inline results and choosing one, reply keyboards, files, groups, polls."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..sandbox.test_everyday import everyday_project


@pytest.fixture
def bot(make_sandbox_bot, tmp_path):
    return make_sandbox_bot(config=everyday_project(tmp_path))


def test_inline_returns_the_results_and_one_can_be_chosen(bot):
    alice = bot.user("Alice")
    results = alice.inline("cats")
    assert results.titles == ["Cat facts", "Meow"]
    assert results[0]["description"] == "Cats sleep 16 hours a day"
    assert results.exchange.calls_of("answerInlineQuery")
    chosen = results.choose(1).expect_nothing()  # the app ignores its own result and chosen_inline_result
    assert chosen.sent["text"] == "Cats sleep 16 hours a day"
    assert chosen.sent["via_bot"]["username"] == "ScaleTGBot"
    assert [m["text"] for m in bot.emulator.history(alice.chat["id"])] == ["Cats sleep 16 hours a day"]
    assert alice.inline("meow").choose("meow").sent["text"] == "Meow!"
    assert alice.inline("dogs") == []
    with pytest.raises(AssertionError, match=r"there is no result 3; the bot offered 2: \['Cat facts', 'Meow'\]"):
        alice.inline("cats").choose(3)


def test_reply_keyboards_are_pressed_like_inline_buttons(bot):
    alice = bot.user("Alice")
    alice.says("/kb")
    pressed = alice.presses("Blue").expect("Blue it is.")
    assert pressed.sent["text"] == "Blue"
    assert pressed.reply.entities[0].type == "italic"
    alice.presses("Share my phone").expect("Your phone: +15550000001")
    alice.says("/force")
    assert alice.says("Alice").expect("Hello, Alice!").sent["reply_to_message"]["text"] == "What is your name?"


def test_files_the_app_downloads_and_an_album(bot, tmp_path: Path):
    alice = bot.user("Alice")
    notes = tmp_path / "notes.txt"
    notes.write_bytes(b"milk\neggs\n")
    alice.sends_document(notes).expect("Got notes.txt: 10 bytes, starting b'milk\\neggs'")
    alice.sends_document("list.csv", b"a,b\n").expect("Got list.csv: 4 bytes, starting b'a,b\\n'")
    alice.sends_photo(data=b"12345").expect("Got a photo of 5 bytes")
    album = alice.says("/album")
    assert album.texts == ["First", None]
    assert album.replies[0].media_group_id == album.replies[1].media_group_id


def test_group_members_polls_and_dice(bot):
    alice, bob = bot.user("Alice"), bot.user("Bob")
    group = bot.group("Club")
    bob.joins(group).expect("Welcome, Bob!")
    bob.leaves(group).expect("Bye, Bob!")
    removed = alice.removes_bot(group).expect_nothing()
    assert removed.sent["new_chat_member"]["status"] == "left"
    alice.adds_bot(group).expect("Welcome, ScaleTG!")
    alice.says("/poll")
    assert alice.votes("Coffee").expect("Alice voted 2").answered_by == "everyday"
    with pytest.raises(AssertionError, match=r"the poll has no option 'Milk'; its options: \['Tea', 'Coffee'\]"):
        alice.votes("Milk")
    assert 1 <= alice.says("/dice").reply.dice.value <= 6
