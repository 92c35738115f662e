"""DMs and mentions end to end: a person types, the real discord.py client answers through the core."""

from __future__ import annotations

from datetime import date

from bot.discord.surface import DiscordSurface
from bot.discord.workspaces import DM_DEFAULT_KEY
from core.models import TaskStatus
from core.services import Services
from tests.discord.conftest import World, buttons, task


async def test_dm_creates_a_task_in_the_only_shared_server(
    world: World, bot: DiscordSurface, services: Services
) -> None:
    fake = world.fake
    said = await fake.say(world.bob, "add Order badges due fri p2")
    reply = await fake.wait_reply(int(said["id"]))

    assert reply["channel_id"] == said["channel_id"]  # the same DM channel
    assert reply["content"] == "Created T-1."
    assert reply["embeds"][0]["title"] == "T-1 · Order badges"
    created = await task(services, world.acme_ws, 1)
    assert created.title == "Order badges"
    assert created.due_date is not None and created.due_date.weekday() == 4 and created.due_date > date.min
    bob = await services.store.users.find_by_field(world.acme_ws, "discord_user_id", str(world.bob.id))
    assert bob is not None and created.created_by == bob.id
    labels = [b["label"] for b in buttons(reply)]
    assert labels == ["Complete", "Assign to me", "Snooze 1 day"]
    assert all(b["custom_id"].endswith(f":{world.acme_ws}:T-1") for b in buttons(reply))


async def test_mention_in_a_channel_assigns_the_mentioned_member(
    world: World, bot: DiscordSurface, services: Services
) -> None:
    fake = world.fake
    text = f"{world.mention()} add Write spec due mon {world.mention(world.bob)}"
    said = await fake.say(world.alice, text, guild=world.acme, mentions=(fake.bot, world.bob))
    reply = await fake.wait_reply(int(said["id"]))

    assert reply["channel_id"] == str(world.acme.channel_id)
    assert reply["message_reference"]["message_id"] == said["id"]
    assert reply["content"] == "Created T-1."
    created = await task(services, world.acme_ws, 1)
    assert created.title == "Write spec"
    bob = await services.store.users.find_by_field(world.acme_ws, "discord_user_id", str(world.bob.id))
    alice = await services.store.users.find_by_field(world.acme_ws, "discord_user_id", str(world.alice.id))
    assert bob is not None and alice is not None
    assert created.assignee_id == bob.id
    assert alice.role.value == "admin" and bob.role.value == "member"  # the author came first
    assert alice.display_name == "Alice A."
    assert "@bob" in reply["embeds"][0]["fields"][4]["value"]


async def test_role_mention_works_and_unmentioned_messages_are_ignored(
    world: World, bot: DiscordSurface, services: Services
) -> None:
    fake = world.fake
    chatter = await fake.say(world.alice, "add Not for the bot", guild=world.acme)
    said = await fake.say(
        world.alice,
        f"<@&{world.acme.bot_role_id}> add Via the role",
        guild=world.acme,
        role_mentions=(world.acme.bot_role_id,),
    )
    reply = await fake.wait_reply(int(said["id"]))
    assert reply["content"] == "Created T-1."
    assert fake.replies_to(int(chatter["id"])) == []
    assert (await task(services, world.acme_ws, 1)).title == "Via the role"
    assert await services.store.tasks.get_by_number(world.acme_ws, 2) is None
    # The bot's own messages come back over the Gateway too; none of them got an answer.
    own = [m for m in fake.messages.values() if m["author"]["id"] == str(fake.bot.id)]
    assert all(fake.replies_to(int(m["id"])) == [] for m in own)


async def test_quick_add_commands_and_errors_in_a_dm(
    world: World, bot: DiscordSurface, services: Services
) -> None:
    fake = world.fake
    for text in ("add First due today", "add Second"):
        await fake.wait_reply(int((await fake.say(world.alice, text))["id"]))

    listed = await fake.wait_reply(int((await fake.say(world.alice, "list"))["id"]))
    assert listed["content"] == "2 open tasks:"
    lines = listed["embeds"][0]["description"].splitlines()
    assert [line.split("**")[1] for line in lines] == ["T-1", "T-2"]
    assert len(buttons(listed)) == 6  # a row per open task
    assert buttons(listed)[0]["label"] == "Complete T-1"

    done = await fake.wait_reply(int((await fake.say(world.alice, "done T-2"))["id"]))
    assert done["content"].startswith("Completed T-2")
    assert (await task(services, world.acme_ws, 2)).status is TaskStatus.completed

    missing = await fake.wait_reply(int((await fake.say(world.alice, "done T-99"))["id"]))
    assert missing["content"].startswith("⚠️ Task T-99 doesn't exist")
    assert missing["components"] == []

    hello = await fake.wait_reply(int((await fake.say(world.alice, "help"))["id"]))
    assert "**Tasks**" in hello["content"]


async def test_dm_with_several_shared_servers_asks_and_remembers_the_pick(
    world: World, bot: DiscordSurface, services: Services
) -> None:
    fake = world.fake
    first = await fake.wait_reply(int((await fake.say(world.dave, "add Where does this go"))["id"]))
    assert first["content"].startswith("⚠️ You share several servers with me (Acme, Side Project).")
    assert "/orchestrator workspace" in first["content"]

    choices = await fake.autocomplete(world.dave, "orchestrator workspace", "server", "side")
    assert choices == [{"name": "Side Project", "value": str(world.side.id)}]
    picked = fake.message_for(
        await fake.slash(world.dave, "orchestrator workspace", server=str(world.side.id))
    )
    assert "now belong to **Side Project**" in picked["content"]
    assert int(picked["flags"]) & 64  # only dave sees it

    again = await fake.wait_reply(int((await fake.say(world.dave, "add Where does this go"))["id"]))
    assert again["content"] == "Created T-1."
    assert (await task(services, world.side_ws, 1)).title == "Where does this go"
    assert await services.store.tasks.get_by_number(world.acme_ws, 1) is None
    side = await services.store.workspaces.get(world.side_ws)
    assert side is not None and side.settings[DM_DEFAULT_KEY.format(user_id=world.dave.id)] is True

    # Picking Acme from inside Acme moves the default and clears the old pick.
    await fake.slash(world.dave, "orchestrator workspace", guild=world.acme)
    side = await services.store.workspaces.get(world.side_ws)
    assert side is not None and DM_DEFAULT_KEY.format(user_id=world.dave.id) not in side.settings
    moved = await fake.wait_reply(int((await fake.say(world.dave, "add Now in Acme"))["id"]))
    assert moved["content"] == "Created T-1."
    assert (await task(services, world.acme_ws, 1)).title == "Now in Acme"


async def test_dm_from_someone_without_a_shared_server(world: World, bot: DiscordSurface) -> None:
    stranger = world.fake.add_user("stranger")
    reply = await world.fake.wait_reply(int((await world.fake.say(stranger, "add Anything"))["id"]))
    assert reply["content"].startswith("⚠️ We don't share a server yet")


async def test_a_dm_naming_someone_outside_the_server(
    world: World, bot: DiscordSurface, services: Services
) -> None:
    fake = world.fake
    said = await fake.say(world.bob, f"add Ask carol {world.mention(world.carol)}", mentions=(world.carol,))
    reply = await fake.wait_reply(int(said["id"]))
    assert reply["content"].startswith(f"⚠️ I don't know anyone called `<@{world.carol.id}>`")
    assert (
        await services.store.users.find_by_field(world.acme_ws, "discord_user_id", str(world.carol.id))
        is None
    )
    assert await services.store.tasks.get_by_number(world.acme_ws, 1) is None
