"""Task buttons: each action changes the data and redraws the message in place, also after a restart."""

from __future__ import annotations

from datetime import timedelta

from bot.discord.surface import DiscordSurface
from core.models import AuditAction, Surface, TaskStatus, utcnow
from core.services import Services
from tests.discord.conftest import World, button_id, buttons, start_bot, task
from tests.discord.fake.payloads import Json


async def _shared_list(world: World) -> Json:
    fake = world.fake
    for title in ("Order badges", "Book venue"):
        await fake.slash(world.alice, "task add", guild=world.acme, title=title)
    return fake.message_for(await fake.slash(world.alice, "task list", guild=world.acme, share=True))


async def test_each_button_acts_and_updates_the_message_in_place(
    world: World, bot: DiscordSurface, services: Services
) -> None:
    fake, ws = world.fake, world.acme_ws
    listing = await _shared_list(world)
    message_id = int(listing["id"])
    first = await task(services, ws, 1)

    record = await fake.click(world.bob, message_id, button_id(listing, "complete", "T-1"))
    updated = await fake.wait_edited(record)
    assert record.responses[0]["type"] == 6  # deferred update of the same message
    assert updated["content"] == "✅ @bob completed T-1."
    lines = updated["embeds"][0]["description"].splitlines()
    assert lines[0].startswith("✅ **T-1** ~~Order badges~~") and lines[1].startswith("⬜ **T-2**")
    assert all(not b["custom_id"].endswith(":T-1") for b in buttons(updated))  # none for a closed task
    assert len(buttons(updated)) == 3
    done = await task(services, ws, 1)
    assert done.status is TaskStatus.completed
    events = await services.store.audit.list(ws, entity_id=first.id)
    assert events[0].action is AuditAction.complete and events[0].surface is Surface.button

    record = await fake.click(world.bob, message_id, button_id(updated, "assign", "T-2"))
    updated = await fake.wait_edited(record)
    assert updated["content"] == "🙋 T-2 is now assigned to @bob."
    assert "@bob" in updated["embeds"][0]["description"].splitlines()[1]
    bob = await services.store.users.find_by_field(ws, "discord_user_id", str(world.bob.id))
    assert bob is not None and (await task(services, ws, 2)).assignee_id == bob.id

    record = await fake.click(world.alice, message_id, button_id(updated, "snooze", "T-2"))
    updated = await fake.wait_edited(record)
    assert updated["content"].startswith("💤 T-2 snoozed: due tomorrow")
    assert (await task(services, ws, 2)).due_date == (utcnow() + timedelta(days=1)).date()
    # One message throughout: the command's deferred answer (edit 1), then one edit per click.
    assert updated["id"] == listing["id"] and int(updated["edits"]) == 4


async def test_buttons_keep_working_after_a_restart(world: World, services: Services) -> None:
    fake, ws = world.fake, world.acme_ws
    first_bot = await start_bot(fake, services)
    try:
        created = fake.message_for(
            await fake.slash(world.alice, "task add", guild=world.acme, title="Survive restarts", share=True)
        )
    finally:
        await first_bot.stop()
    await fake.wait_for(lambda: not fake.gateway.connections)

    second_bot = await start_bot(fake, services)  # a new process would look exactly like this
    try:
        assert len(fake.gateway.identifies) == 2
        record = await fake.click(world.alice, int(created["id"]), button_id(created, "snooze", "T-1"))
        updated = await fake.wait_edited(record)
        assert updated["content"].startswith("💤 T-1 snoozed")
        assert (await task(services, ws, 1)).due_date == (utcnow() + timedelta(days=1)).date()
        record = await fake.click(world.alice, int(created["id"]), button_id(updated, "complete", "T-1"))
        updated = await fake.wait_edited(record)
        assert updated["components"] == []
        assert (await task(services, ws, 1)).status is TaskStatus.completed
    finally:
        await second_bot.stop()


async def test_buttons_in_a_dm_act_in_the_task_s_server(
    world: World, bot: DiscordSurface, services: Services
) -> None:
    fake = world.fake
    said = await fake.say(world.bob, "add From a DM")
    reply = await fake.wait_reply(int(said["id"]))
    the_task = await task(services, world.acme_ws, 1)
    record = await fake.click(world.bob, int(reply["id"]), button_id(reply, "complete", "T-1"))
    updated = await fake.wait_edited(record)
    assert updated["content"] == "✅ @bob completed T-1."
    assert (await task(services, world.acme_ws, 1)).status is TaskStatus.completed

    # carol is not in Acme: an Acme button in her DM (however it got there) does nothing and says why.
    stray_id = f"task:assign:{world.acme_ws}:{the_task.id}"
    stray = await fake.say(fake.bot, "stray", dm_with=world.carol)
    stray["components"] = [
        {"type": 1, "components": [{"type": 2, "style": 1, "label": "x", "custom_id": stray_id}]}
    ]
    record = await fake.click(world.carol, int(stray["id"]), stray_id)
    answer = await fake.wait_answered(record)
    assert answer["content"].startswith("⚠️ That task belongs to a server you and I don't share.")
    assert int(answer["flags"]) & 64
    assert (await task(services, world.acme_ws, 1)).assignee_id is None


async def test_a_button_naming_another_server_is_refused(
    world: World, bot: DiscordSurface, services: Services
) -> None:
    fake = world.fake
    forged_id = f"task:complete:{world.side_ws}:{'ab' * 16}"
    forged = await fake.say(fake.bot, "forged", guild=world.acme)
    forged["components"] = [
        {"type": 1, "components": [{"type": 2, "style": 1, "label": "x", "custom_id": forged_id}]}
    ]
    record = await fake.click(world.alice, int(forged["id"]), forged_id)
    answer = await fake.wait_answered(record)
    assert answer["content"] == "⚠️ This button belongs to another server."
