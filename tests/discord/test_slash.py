"""Every slash command and autocomplete, end to end through Discord's interaction flow (defer, then edit)."""

from __future__ import annotations

from datetime import timedelta

from bot.discord.surface import DiscordSurface
from core.models import Priority, TaskStatus, utcnow
from core.services import Services
from tests.discord.conftest import World, buttons, task

EPHEMERAL = 64


async def test_task_commands(world: World, bot: DiscordSurface, services: Services) -> None:
    fake, acme, alice = world.fake, world.acme, world.alice
    ws = world.acme_ws

    added = fake.message_for(await fake.slash(alice, "project add", guild=acme, name="Launch"))
    assert added["content"].startswith("Created project Launch (P-1).")

    record = await fake.slash(
        alice,
        "task add",
        guild=acme,
        title="Order badges",
        due="tomorrow",
        priority="high",
        project="Launch",
        assignee=world.bob,
        tags="print +q4",
    )
    assert record.responses[0]["type"] == 5  # deferred ("thinking…"), then edited
    created_msg = fake.message_for(record)
    assert created_msg["content"] == "Created T-1."
    assert int(created_msg["flags"]) & EPHEMERAL
    assert created_msg["embeds"][0]["title"] == "T-1 · Order badges"
    created = await task(services, ws, 1)
    bob = await services.store.users.find_by_field(ws, "discord_user_id", str(world.bob.id))
    project = await services.store.projects.find_by_name(ws, "Launch")
    assert bob is not None and project is not None
    assert (created.priority, created.assignee_id, created.project_id) == (Priority.high, bob.id, project.id)
    assert created.tags == ["print", "q4"]
    assert created.due_date == (utcnow() + timedelta(days=1)).date()

    await fake.slash(alice, "task add", guild=acme, title="Book venue")
    shared = fake.message_for(await fake.slash(alice, "task list", guild=acme, share=True))
    assert shared["content"] == "2 open tasks:"
    assert not int(shared["flags"]) & EPHEMERAL  # share=True posts for everyone
    assert len(buttons(shared)) == 6

    mine = fake.message_for(await fake.slash(world.bob, "task list", guild=acme, mine=True))
    assert "T-1" in mine["embeds"][0]["title"]
    by_project = fake.message_for(await fake.slash(alice, "task list", guild=acme, project="Launch"))
    assert by_project["embeds"][0]["title"].startswith("T-1 ·")
    overdue = fake.message_for(await fake.slash(alice, "task list", guild=acme, window="overdue"))
    assert overdue["content"].startswith("No open tasks match")

    shown = fake.message_for(await fake.slash(alice, "task show", guild=acme, ref="T-2"))
    assert shown["embeds"][0]["title"] == "T-2 · Book venue"

    done = fake.message_for(await fake.slash(alice, "task done", guild=acme, ref="T-2"))
    assert done["content"].startswith("Completed T-2")
    assert done["components"] == []  # nothing left to click on a completed task
    assert (await task(services, ws, 2)).status is TaskStatus.completed

    reopened = fake.message_for(await fake.slash(alice, "task reopen", guild=acme, ref="t2"))
    assert reopened["content"].startswith("Reopened T-2")
    assert (await task(services, ws, 2)).status is TaskStatus.todo

    assigned = fake.message_for(await fake.slash(alice, "task assign", guild=acme, ref="T-2", assignee=alice))
    assert "assigned to @Alice A." in assigned["content"]
    alice_row = await services.store.users.find_by_field(ws, "discord_user_id", str(alice.id))
    assert alice_row is not None and (await task(services, ws, 2)).assignee_id == alice_row.id
    await fake.slash(alice, "task assign", guild=acme, ref="T-2")
    assert (await task(services, ws, 2)).assignee_id is None

    asked_record = await fake.slash(alice, "task delete", guild=acme, ref="T-2")
    asked = fake.message_for(asked_record)
    assert asked["content"].startswith("Delete T-2? Press Delete to confirm")
    assert (await task(services, ws, 2)).deleted_at is None  # nothing happens before the button
    [row] = asked["components"]
    [button] = row["components"]
    assert button["custom_id"].startswith("task:delete:") and button["style"] == 4  # danger
    pressed = await fake.click(alice, int(asked["id"]), button["custom_id"])
    deleted = await fake.wait_edited(pressed, edits=1)
    assert "deleted T-2" in deleted["content"] and deleted["components"] == []
    assert (await task(services, ws, 2)).deleted_at is not None
    restored = fake.message_for(await fake.slash(alice, "task restore", guild=acme, ref="T-2"))
    assert restored["content"].startswith("Restored T-2")
    assert (await task(services, ws, 2)).deleted_at is None

    again = await fake.slash(alice, "task delete", guild=acme, ref="T-2")
    again_msg = fake.message_for(again)
    again_button = again_msg["components"][0]["components"][0]["custom_id"]
    await fake.wait_edited(await fake.click(alice, int(again_msg["id"]), again_button), edits=1)
    undone = fake.message_for(await fake.slash(alice, "task undo", guild=acme))
    assert undone["content"].startswith("Undid your last change: delete of T-2")
    assert (await task(services, ws, 2)).deleted_at is None

    missing = fake.message_for(await fake.slash(alice, "task show", guild=acme, ref="T-99"))
    assert missing["content"].startswith("⚠️ Task T-99 doesn't exist")
    assert int(missing["flags"]) & EPHEMERAL
    bad_ref = fake.message_for(await fake.slash(alice, "task done", guild=acme, ref="soon"))
    assert bad_ref["content"].startswith("⚠️ `soon` is not a task reference.")


async def test_project_commands_and_autocomplete(
    world: World, bot: DiscordSurface, services: Services
) -> None:
    fake, acme, alice = world.fake, world.acme, world.alice
    await fake.slash(alice, "project add", guild=acme, name="Launch", priority="critical")
    await fake.slash(alice, "project add", guild=acme, name="Hiring")
    await fake.slash(alice, "task add", guild=acme, title="Order badges", project="Launch")
    await fake.slash(alice, "task add", guild=acme, title="Write job ad", project="Hiring")

    listed = fake.message_for(await fake.slash(alice, "project list", guild=acme))
    assert listed["content"].startswith("2 project")
    assert "P-1  Launch" in listed["embeds"][0]["description"]

    shown = fake.message_for(await fake.slash(alice, "project show", guild=acme, project="Launch"))
    assert shown["embeds"][0]["title"] == "P-1 · Launch"
    assert shown["embeds"][1]["title"] == "T-1 · Order badges"

    projects = await fake.autocomplete(alice, "task add", "project", "lau", guild=acme)
    assert projects == [{"name": "Launch (P-1)", "value": "Launch"}]
    everything = await fake.autocomplete(alice, "project show", "project", "", guild=acme)
    assert [c["value"] for c in everything] == ["Launch", "Hiring"]

    by_number = await fake.autocomplete(alice, "task done", "ref", "T-2", guild=acme)
    assert by_number == [{"name": "T-2 · Write job ad", "value": "T-2"}]
    by_title = await fake.autocomplete(alice, "task show", "ref", "badge", guild=acme)
    assert by_title == [{"name": "T-1 · Order badges", "value": "T-1"}]
    await fake.slash(alice, "task done", guild=acme, ref="T-1")
    open_only = await fake.autocomplete(alice, "task assign", "ref", "", guild=acme)
    assert [c["value"] for c in open_only] == ["T-2"]

    # A person in another server sees that server's data only.
    other = await fake.autocomplete(world.carol, "task show", "ref", "", guild=world.side)
    assert other == []


async def test_commands_in_a_dm_use_the_default_server(
    world: World, bot: DiscordSurface, services: Services
) -> None:
    fake = world.fake
    created = fake.message_for(
        await fake.slash(world.bob, "task add", title="From my DM", assignee=world.bob)
    )
    assert created["content"] == "Created T-1."
    assert created["channel_id"] == str(fake.dm_channels[world.bob.id])
    assert (await task(services, world.acme_ws, 1)).title == "From my DM"
    refused = fake.message_for(await fake.slash(world.bob, "task assign", ref="T-1", assignee=world.carol))
    assert refused["content"] == "⚠️ @carol isn't a member of Acme."
    nowhere = fake.message_for(await fake.slash(world.dave, "task list"))
    assert nowhere["content"].startswith("⚠️ You share several servers with me")


async def test_project_use_puts_new_tasks_of_this_person_here_into_the_project(
    world: World, bot: DiscordSurface, services: Services
) -> None:
    fake, acme, alice = world.fake, world.acme, world.alice
    await fake.slash(alice, "project add", guild=acme, name="Launch")
    used = fake.message_for(await fake.slash(alice, "project use", guild=acme, project="Launch"))
    assert used["content"].startswith("Now using project Launch (P-1).")

    added = fake.message_for(await fake.slash(alice, "task add", guild=acme, title="Order badges"))
    assert "Launch" in added["embeds"][0]["footer"]["text"]  # replies show the project in use
    project = await services.store.projects.find_by_name(world.acme_ws, "Launch")
    assert project is not None and (await task(services, world.acme_ws, 1)).project_id == project.id
    # Another person's commands in the same channel are their own conversation.
    await fake.slash(world.bob, "task add", guild=acme, title="Elsewhere")
    assert (await task(services, world.acme_ws, 2)).project_id is None

    await fake.slash(alice, "project use", guild=acme)
    await fake.slash(alice, "task add", guild=acme, title="No project")
    assert (await task(services, world.acme_ws, 3)).project_id is None
