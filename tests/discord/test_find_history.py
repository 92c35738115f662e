"""`/task find` (with autocomplete), `/task history` and a detailed `/task show` through Discord's
interaction flow."""

from __future__ import annotations

from bot.discord.surface import DiscordSurface
from core.services import Services
from tests.discord.conftest import World


async def test_find_autocompletes_over_titles_and_finds_by_words(
    world: World, bot: DiscordSurface, services: Services
) -> None:
    fake, acme, alice = world.fake, world.acme, world.alice
    for title in ("Send invoices", "Book the band", "Invoice template"):
        await fake.slash(alice, "task add", guild=acme, title=title)
    await fake.slash(world.carol, "task add", guild=world.side, title="Invoices elsewhere")

    # A typo still suggests the right tasks, of this server only; a pick fills in the ref.
    choices = await fake.autocomplete(alice, "task find", "text", "invocie", guild=acme)
    assert {c["value"] for c in choices} == {"T-1", "T-3"}
    assert all(c["name"].startswith(("T-1 · ", "T-3 · ")) for c in choices)
    assert await fake.autocomplete(alice, "task find", "text", "", guild=acme) == []

    found = fake.message_for(await fake.slash(alice, "task find", guild=acme, text="invoices"))
    assert found["content"] == "2 tasks matching “invoices”:"
    lines = found["embeds"][0]["description"].splitlines()
    assert [line.split("**")[1] for line in lines] == ["T-1", "T-3"]  # the closest title first
    picked = fake.message_for(await fake.slash(alice, "task find", guild=acme, text="T-2"))
    assert picked["embeds"][0]["title"] == "T-2 · Book the band"


async def test_history_and_show_tell_what_happened(world: World, bot: DiscordSurface) -> None:
    fake, acme, alice = world.fake, world.acme, world.alice
    await fake.slash(alice, "task add", guild=acme, title="Review contract")
    await fake.slash(world.bob, "task done", guild=acme, ref="T-1")

    history = fake.message_for(await fake.slash(alice, "task history", guild=acme, period="today"))
    assert history["content"] == "2 changes today:"
    [embed] = history["embeds"]
    assert embed["title"] == "Activity"
    assert embed["description"].splitlines() == [
        "• bob completed T-1 'Review contract' · *just now*",
        "• Alice A. created T-1 'Review contract' · *just now*",
    ]
    bobs = fake.message_for(await fake.slash(alice, "task history", guild=acme, person=world.bob))
    assert (
        bobs["embeds"][0]["description"].count("\n") == 0
        and "bob completed" in bobs["embeds"][0]["description"]
    )

    by_title = fake.message_for(await fake.slash(alice, "task history", guild=acme, ref="the contract"))
    assert by_title["content"] == "2 changes for T-1 'Review contract' in the last 7 days:"

    shown = fake.message_for(await fake.slash(alice, "task show", guild=acme, ref="T-1"))
    fields = {f["name"]: f["value"] for f in shown["embeds"][0]["fields"]}
    assert fields["Created"].endswith("by Alice A.")
    assert fields["Recent changes"].splitlines()[0] == "• bob completed T-1 'Review contract' · just now"
