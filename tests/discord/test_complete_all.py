"""Completing a parent with open subtasks on Discord: the question comes with Complete all / Cancel."""

from __future__ import annotations

from bot.discord.surface import DiscordSurface
from core.models import Surface, TaskStatus
from core.services import Actor, Services
from tests.discord.conftest import World, button_id, task


async def test_complete_all_button_closes_the_parent_and_its_subtasks(
    world: World, bot: DiscordSurface, services: Services
) -> None:
    fake, ws, alice = world.fake, world.acme_ws, world.alice
    await fake.slash(alice, "task add", guild=world.acme, title="Plan the launch")
    person = await services.store.users.find_by_field(ws, "discord_user_id", str(alice.id))
    assert person is not None
    actor = Actor(person, Surface.command)
    await services.structure.add_subtask(actor, 1, "Venue")
    await services.structure.add_subtask(actor, 1, "Menu")

    asked_record = await fake.slash(alice, "task done", guild=world.acme, ref="T-1")
    asked = fake.message_for(asked_record)
    assert "T-1 has 2 open subtasks: complete them too?" in asked["content"]
    assert (await task(services, ws, 1)).status is TaskStatus.todo

    assert asked_record.message_id is not None
    pressed = await fake.click(alice, asked_record.message_id, button_id(asked, "complete_all", "T-1"))
    done = await fake.wait_edited(pressed)
    assert done["content"].startswith(f"✅ @{alice.global_name} completed T-1 and its subtasks.")
    for n in (1, 2, 3):
        assert (await task(services, ws, n)).status is TaskStatus.completed
