import io
import logging
import re
from pathlib import Path

import pytest

from scaletg_ptb.logs import Redactor, configure_logging

TOKEN = "123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
SECRET = TOKEN.split(":")[1]


@pytest.fixture
def output():
    stream = io.StringIO()
    handler = configure_logging("DEBUG", Redactor([TOKEN]), stream)
    yield stream
    logging.getLogger().removeHandler(handler)


@pytest.mark.parametrize("text, expected", [
    (f"https://api.telegram.org/bot{TOKEN}/getMe", "https://api.telegram.org/bot123456:***/getMe"),
    (f"bot123456%3A{SECRET}/getUpdates", "bot123456:***/getUpdates"),
    (f"the secret {SECRET} alone", "the secret *** alone"),
    ("nothing secret", "nothing secret"),
])
def test_redactor_hides_every_form_of_the_token(text, expected):
    assert Redactor([TOKEN])(text) == expected


def test_every_logger_and_traceback_is_redacted_at_debug(output):
    logging.getLogger("httpx").info('HTTP Request: POST https://api.telegram.org/bot%s/getUpdates "HTTP/1.1 200 OK"',
                                    TOKEN)
    logging.getLogger("telegram.Bot").debug("Calling Bot API endpoint `getMe` with parameters `{}` on %s", TOKEN)
    try:
        raise RuntimeError(f"request to /bot{TOKEN}/sendMessage failed")
    except RuntimeError:
        logging.getLogger("scaletg_ptb").exception("send failed")
    text = output.getvalue()
    assert SECRET not in text
    assert text.count("123456:***") == 3
    assert "RuntimeError: request to /bot123456:***/sendMessage failed" in text


def test_handlers_added_later_also_get_redacted_records(output):
    late = io.StringIO()
    handler = logging.StreamHandler(late)
    logging.getLogger().addHandler(handler)
    try:
        logging.getLogger("any").warning("token=%s", TOKEN)
    finally:
        logging.getLogger().removeHandler(handler)
    assert late.getvalue() == "token=123456:***\n"


def test_level_names_are_coloured_only_when_asked():
    record = logging.LogRecord("scaletg_ptb", logging.WARNING, __file__, 1, "careful %s", ("now",), None)
    from scaletg_ptb.logs import RedactingFormatter
    plain = RedactingFormatter(Redactor([TOKEN]), fmt="%(levelname)-7s %(message)s")
    colour = RedactingFormatter(Redactor([TOKEN]), fmt="%(levelname)-7s %(message)s", colour=True)
    assert plain.format(record) == "WARNING careful now"
    assert colour.format(record) == "\033[33mWARNING\033[0m careful now"


def test_colour_needs_a_terminal_and_no_NO_COLOR(monkeypatch):
    from scaletg_ptb.logs import wants_colour

    class Terminal(io.StringIO):
        def isatty(self):
            return True
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert wants_colour(Terminal()) is True
    assert wants_colour(io.StringIO()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert wants_colour(Terminal()) is False


def test_messages_name_an_update_the_same_way_everywhere():
    # "update id=N" everywhere, so that one grep finds every line about an update.
    package = Path(__file__).parent.parent / "scaletg_ptb"
    loose = re.compile(r"""[Uu]pdate (%s|%d|\{[a-z_.]*id\})|for update [^i]""")
    offenders = [f"{path.relative_to(package)}:{number}: {line.strip()}"
                 for path in sorted(package.rglob("*.py"))
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if loose.search(line)]
    assert offenders == []


def test_a_redis_url_s_credentials_are_redacted_in_every_form():
    redactor = Redactor(["123456:ABCDEFGHIJKLMNOP"])
    redactor.add_url("redis://admin:hunter%402@db.example:6379/0")
    text = ("connecting to redis://admin:hunter%402@db.example:6379/0 as admin with hunter@2; "
            "token 123456:ABCDEFGHIJKLMNOP")
    assert redactor(text) == ("connecting to redis://***@db.example:6379/0 as admin with ***; "
                              "token 123456:***")


def test_a_short_password_is_redacted_only_inside_its_url():
    redactor = Redactor()
    redactor.add_url("redis://:pw@db.example:6379/0")
    assert redactor("redis://:pw@db.example:6379/0 and pwx") == "redis://***@db.example:6379/0 and pwx"


def test_the_storage_module_s_redis_url_is_redacted_like_the_inbox_s(tmp_path):
    from scaletg_ptb.config import load_config

    config = tmp_path / "config.yaml"
    config.write_text("inbox: rediss://bot:inbox-pw-1234@a.example:6380/0\n"
                      "modules:\n  storage:\n    url: redis://:store-pw-5678@b.example:6379/1\n")
    redactor = Redactor()
    redactor.add_config(load_config(config, {}, require_token=False))
    text = ("inbox rediss://bot:inbox-pw-1234@a.example:6380/0, storage redis://:store-pw-5678@b.example:6379/1, "
            "AUTH store-pw-5678")
    assert redactor(text) == ("inbox rediss://***@a.example:6380/0, storage redis://***@b.example:6379/1, "
                              "AUTH ***")
