"""The agent's reminder tools: `remind` stores a schedule the scheduler will send, a time it can't read goes
back to the model as a retry, and `list_reminders` reads them back."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from core.agent import responder as responder_module
from core.models import ScheduleKind
from core.services import Services
from tests.agent.conftest import Chat, Script
from tests.conftest import make_actor


@pytest.fixture(autouse=True)
def model_reads_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    """The scripted model answers every message (the offline parser would read these itself)."""
    monkeypatch.setattr(responder_module, "understand", lambda *args, **kwargs: None, raising=False)


async def test_remind_stores_a_reminder_and_list_reads_it_back(
    chat_with: Callable[..., Chat], services: Services
) -> None:
    alice = await make_actor(services, name="alice")
    await make_actor(services, name="bob")
    await services.tasks.create(alice, "Book the venue", due="2026-12-20")
    script = Script(
        [
            [("remind", {"ref": "T-1", "when": "in two hours", "who": "bob"})],
            "Bob will hear about it.",
            [("remind", {"ref": "T-1", "when": "whenever the moon is full"})],
            [("remind", {"ref": "T-1", "when": "2 days before due"})],
            "Set.",
            [("list_reminders", {"everyone": True})],
            "Here they are.",
        ]
    )
    chat = chat_with({"alpha:a-small": script})
    await chat.send("ping bob about the venue in a couple of hours")
    assert "I'll remind @bob about T-1 'Book the venue' today at" in script.last_request_text()
    await chat.send("and remind me when the moon is full, or else 2 days before it's due")
    retry = script.seen[-2][-1]  # the request after the unreadable time: a retry for the model
    assert "can't tell when" in " ".join(str(getattr(p, "content", "")) for p in retry.parts)
    rows = await services.store.schedules.list("local", kinds=[ScheduleKind.reminder])
    assert sorted((r.offset_minutes or 0, r.explicit) for r in rows) == [(0, True), (2880, False)]
    await chat.send("what reminders are there?")
    listed = script.last_request_text()
    assert "3 coming reminders" in listed and "due-date reminder" in listed
