"""`project chart` on Discord: the summary with the PNG attached, from a DM, a mention and a slash command."""

from __future__ import annotations

from bot.discord.surface import DiscordSurface
from tests.chart_png import chart_png_arrived
from tests.discord.conftest import World
from tests.discord.fake.payloads import Json

EPHEMERAL = 64


async def _launch_with_work(world: World) -> None:
    """Through DMs: a project with two tasks, one of them done (all today)."""
    for text in ("project add Launch", "add Write plan #Launch", "add Book venue #Launch", "done T-1"):
        said = await world.fake.say(world.alice, text)
        await world.fake.wait_reply(int(said["id"]))


async def _the_chart(world: World, msg: Json, name_start: str = "launch-") -> None:
    [attachment] = msg["attachments"]
    assert attachment["filename"].startswith(name_start) and attachment["filename"].endswith(".png")
    png = world.fake.files[attachment["id"]]
    assert attachment["size"] == len(png)
    await chart_png_arrived(png)


async def test_a_dm_answers_with_the_chart_attached(world: World, bot: DiscordSurface) -> None:
    await _launch_with_work(world)
    said = await world.fake.say(world.alice, "project chart #Launch")
    reply = await world.fake.wait_reply(int(said["id"]))
    assert reply["content"] == "Launch, last 14 days: 2 created, 1 done, 1 open."
    await _the_chart(world, reply)


async def test_a_mention_in_a_channel_and_a_503_on_the_first_try(world: World, bot: DiscordSurface) -> None:
    await _launch_with_work(world)
    # Discord refuses the first attempt: the retry must send the whole PNG again, not an exhausted stream.
    world.fake.fail_next("POST", f"/channels/{world.acme.channel_id}/messages", status=503)
    text = f"{world.mention()} project chart Launch 30 days"
    said = await world.fake.say(world.alice, text, guild=world.acme, mentions=(world.fake.bot,))
    reply = await world.fake.wait_reply(int(said["id"]))
    assert reply["content"].startswith("Launch, last 30 days:")
    await _the_chart(world, reply)


async def test_the_slash_command_attaches_it_privately_or_shared(world: World, bot: DiscordSurface) -> None:
    await _launch_with_work(world)
    fake = world.fake
    private = fake.message_for(
        await fake.slash(world.alice, "project chart", guild=world.acme, project="Launch")
    )
    assert private["content"] == "Launch, last 14 days: 2 created, 1 done, 1 open."
    assert int(private["flags"]) & EPHEMERAL  # an ephemeral message can carry a file
    await _the_chart(world, private)

    record = await fake.slash(
        world.alice, "project chart", guild=world.acme, project="Launch", days=7, share=True
    )
    shared = fake.message_for(record)
    assert shared["content"].startswith("Launch, last 7 days:")
    assert not int(shared["flags"]) & EPHEMERAL
    await _the_chart(world, shared)


async def test_an_unknown_project_attaches_nothing(world: World, bot: DiscordSurface) -> None:
    answer = world.fake.message_for(
        await world.fake.slash(world.alice, "project chart", guild=world.acme, project="Nope")
    )
    assert "Nope" in answer["content"]
    assert answer["attachments"] == [] and world.fake.files == {}
