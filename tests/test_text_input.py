"""core/text_input.py: what every translator and the unit of work do to text from outside."""

from __future__ import annotations

from core.conversation.messages import IncomingMessage, Person
from core.models import Platform, Priority
from core.quickadd_commands import AddTask
from core.text_input import clean_fields, clean_text, decode_input


def test_lone_surrogates_become_replacement_characters_and_pairs_join() -> None:
    assert clean_text("bad \udcff\udcfe title") == "bad \ufffd\ufffd title"
    assert clean_text("\ud83d\ude00") == "\U0001f600"  # a valid pair is the character it encodes
    assert clean_text("\ud83d") == "\ufffd"
    assert clean_text("a\x00b\x1b[1m\x7fc\x85d") == "ab[1mcd"
    assert clean_text("one\r\ntwo\rthree\tfour") == "one\ntwo\nthree\tfour"
    for text in (clean_text("x\udcff"), decode_input(b"add \xff\xfe\x00 x")):
        text.encode("utf-8")  # encodable: this is what the stores and log handlers need


def test_decode_input_never_raises() -> None:
    assert decode_input(b"add bad \xff\xfe title") == "add bad \ufffd\ufffd title"
    assert decode_input(b"caf\xc3\xa9", "no-such-codec") == "café"


def test_clean_fields_reaches_into_messages_and_commands_and_keeps_clean_ones() -> None:
    msg = IncomingMessage(
        platform=Platform.console,
        workspace_id="local",
        user_id="al\udcffice",
        text="add x\udcff",
        people=(Person("U2", "b\x00ob"),),
    )
    cleaned = clean_fields(msg)
    assert (cleaned.user_id, cleaned.text, cleaned.people[0].name) == ("al\ufffdice", "add x\ufffd", "bob")
    command = AddTask("t\udcff", priority=Priority.high, tags=("a", "b\x00"))
    fixed = clean_fields(command)
    assert fixed == AddTask("t\ufffd", priority=Priority.high, tags=("a", "b"))
    assert fixed.priority is Priority.high
    clean = AddTask("fine", tags=("a",))
    assert clean_fields(clean) is clean
