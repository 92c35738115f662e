"""Replays act once, bad events are dropped, missing intents are explained, failures become short messages."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from bot.discord.client import OrchestratorClient
from bot.discord.messages import NO_CONTENT
from bot.discord.settings import apply_endpoints
from bot.discord.surface import CONTENT_INTENT_OFF, DiscordSurface
from core.conversation.handler import ConversationHandler
from core.models import TaskStatus
from core.services import Services
from core.store import TaskQuery
from tests.discord.conftest import (
    LogWatch,
    World,
    button_id,
    make_world,
    settings_for,
    start_bot,
    started_fake,
    task,
)

CONTENT_INTENT = 1 << 15


async def _titles(services: Services, workspace: str) -> list[str]:
    page = await services.store.tasks.list(workspace, TaskQuery(limit=100))
    return sorted(t.title for t in page.items)


async def test_a_message_replayed_after_resume_acts_once(
    world: World, bot: DiscordSurface, services: Services, logs: LogWatch
) -> None:
    fake = world.fake
    said = await fake.say(world.bob, "add Replay me")
    await fake.wait_reply(int(said["id"]))

    # Reconnect; on RESUME the fake replays the last events again (at-least-once delivery).
    fake.gateway.replay_overlap = 2
    await fake.gateway.request_reconnect()
    await logs.wait_for("ignoring a replayed message")
    assert len(fake.gateway.resumes) == 1 and len(fake.gateway.identifies) == 1  # resumed, not re-identified

    after = await fake.say(world.bob, "add After resume")
    await fake.wait_reply(int(after["id"]))
    assert await _titles(services, world.acme_ws) == ["After resume", "Replay me"]
    assert len(fake.replies_to(int(said["id"]))) == 1


async def test_replayed_interactions_act_once(
    world: World, bot: DiscordSurface, services: Services, logs: LogWatch
) -> None:
    fake = world.fake
    record = await fake.slash(world.alice, "task add", guild=world.acme, title="Only once")
    await fake.interact(2, world.alice, {}, guild=world.acme, interaction_id=record.id)
    await logs.wait_for("ignoring a replayed interaction")
    assert await _titles(services, world.acme_ws) == ["Only once"]
    assert len(record.responses) == 1

    created = fake.message_for(
        await fake.slash(world.alice, "task add", guild=world.acme, title="Two", share=True)
    )
    click = await fake.click(world.alice, int(created["id"]), button_id(created, "snooze", "T-2"))
    await fake.wait_edited(click)
    snoozed = (await task(services, world.acme_ws, 2)).due_date
    await fake.click(
        world.alice, int(created["id"]), button_id(created, "snooze", "T-2"), interaction_id=click.id
    )
    await logs.wait_for("ignoring a replayed button interaction")
    assert (await task(services, world.acme_ws, 2)).due_date == snoozed
    assert click.edits == 1


async def test_bad_payloads_do_not_crash_the_client(
    world: World, bot: DiscordSurface, services: Services, logs: LogWatch
) -> None:
    fake = world.fake
    await fake.gateway.dispatch("MESSAGE_CREATE", {"id": "not-a-snowflake", "content": "add Broken"})
    await fake.gateway.dispatch("INTERACTION_CREATE", {"type": 2, "data": None})
    await fake.gateway.dispatch("GUILD_CREATE", {"name": "no id"})
    await fake.gateway.dispatch("SOMETHING_NEW", {"whatever": True})
    await logs.wait_for("dropped a malformed", count=3)

    said = await fake.say(world.bob, "add Still alive")
    reply = await fake.wait_reply(int(said["id"]))
    assert reply["content"] == "Created T-1."
    assert len(fake.gateway.identifies) == 1 and not fake.gateway.resumes  # the same session throughout
    assert await _titles(services, world.acme_ws) == ["Still alive"]


async def test_unexpected_failures_become_a_short_message(
    world: World, bot: DiscordSurface, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services.tasks, "create", broken)
    fake = world.fake
    reply = await fake.wait_reply(int((await fake.say(world.bob, "add Boom"))["id"]))
    assert reply["content"].startswith("⚠️ Something went wrong on my side (incident ")
    assert "disk on fire" not in reply["content"]
    answer = fake.message_for(await fake.slash(world.bob, "task add", guild=world.acme, title="Boom"))
    assert answer["content"].startswith("⚠️ Something went wrong on my side")

    monkeypatch.undo()
    reply = await fake.wait_reply(int((await fake.say(world.bob, "add Fine again"))["id"]))
    assert reply["content"] == "Created T-1."


async def test_without_the_message_content_intent(services: Services, logs: LogWatch) -> None:
    fake = await started_fake(message_content=False)
    world = make_world(fake)
    surface = await start_bot(fake, services)
    try:
        assert logs.messages(CONTENT_INTENT_OFF)
        assert not fake.gateway.identifies[-1]["intents"] & CONTENT_INTENT  # never asked: no 4014 close
        assert len(fake.gateway.identifies) == 1

        # A mention through the bot's role arrives without its text: the bot says what is missing.
        said = await fake.say(world.alice, "", guild=world.acme, role_mentions=(world.acme.bot_role_id,))
        reply = await fake.wait_reply(int(said["id"]))
        assert reply["content"] == NO_CONTENT
        await logs.wait_for("enable the Message Content Intent")

        # Slash commands work regardless.
        answer = fake.message_for(await fake.slash(world.alice, "task add", guild=world.acme, title="Works"))
        assert answer["content"] == "Created T-1."
        await fake.slash(world.alice, "task done", guild=world.acme, ref="T-1")
        assert (await task(services, world.acme_ws, 1)).status is TaskStatus.completed
    finally:
        await surface.stop()
        await fake.stop()


async def test_the_fake_refuses_privileged_intents_the_application_lacks(services: Services) -> None:
    """The 4014 close the surface avoids by checking the application flags first."""
    fake = await started_fake(message_content=False)
    make_world(fake)
    apply_endpoints(settings_for(fake))
    client = OrchestratorClient(services, ConversationHandler(services), message_content=True)
    try:
        with pytest.raises(discord.PrivilegedIntentsRequired):
            await client.start(fake.token, reconnect=True)
    finally:
        await client.close()
        await fake.stop()
