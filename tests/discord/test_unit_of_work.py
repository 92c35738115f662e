"""Every Discord action is one turn of the core's unit of work: audited in its batch, with the right surface,
one `now`, pending questions kept in the person's conversation, and lookups scoped to one workspace."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.discord.buttons import legacy_number
from bot.discord.surface import DiscordSurface
from bot.discord.translate import neutral_mentions, strip_bot_mention
from bot.discord.views import button_task
from core.conversation.handler import ConversationHandler
from core.conversation.messages import IncomingMessage, Reply
from core.models import AuditAction, EntityType, Surface
from core.quickadd_commands import SuggestProjects, SuggestTasks
from core.services import Services
from tests.discord.conftest import World, button_id, start_bot, task


class SteppingClock:
    """Moves one second forward every time it is read: a second reading within a turn would see a later
    moment (and here, the next day)."""

    def __init__(self, at: datetime) -> None:
        self.at = at
        self.reads = 0

    def now(self) -> datetime:
        self.reads += 1
        moment = self.at
        self.at += timedelta(seconds=1)
        return moment


class Spy(ConversationHandler):
    """The real unit of work, remembering what each turn was asked to do."""

    def __init__(self, services: Services, **kw: Any) -> None:
        super().__init__(services, **kw)
        self.turns: list[tuple[IncomingMessage, object]] = []

    async def execute(self, ctx: IncomingMessage, command: Any) -> Reply:
        self.turns.append((ctx, command))
        return await super().execute(ctx, command)


@pytest.fixture
def spy(services: Services) -> Spy:
    return Spy(services)


@pytest.fixture
async def spied_bot(world: World, services: Services, spy: Spy) -> AsyncIterator[DiscordSurface]:
    surface = await start_bot(world.fake, services, handler=spy)
    try:
        yield surface
    finally:
        await surface.stop()


async def test_task_add_with_options_is_one_audited_command_turn(
    world: World, spied_bot: DiscordSurface, spy: Spy, services: Services
) -> None:
    fake, ws = world.fake, world.acme_ws
    created = fake.message_for(
        await fake.slash(world.alice, "task add", guild=world.acme, title="Order badges", assignee=world.bob)
    )
    assert created["content"] == "Created T-1."

    [(ctx, command)] = spy.turns
    assert ctx.surface is Surface.command and ctx.thread_id == f"user:{world.alice.id}"
    assert getattr(command, "assignee", None) == f"<@{world.bob.id}>"  # the neutral mention token
    assert [p.user_id for p in ctx.people] == [str(world.bob.id)]
    the_task = await task(services, ws, 1)
    [event] = await services.store.audit.list(ws, entity_id=the_task.id)
    assert (event.action, event.surface) == (AuditAction.create, Surface.command)
    assert event.batch_id is not None  # written inside the turn's audit batch
    bob = await services.store.users.find_by_field(ws, "discord_user_id", str(world.bob.id))
    assert bob is not None and the_task.assignee_id == bob.id

    # The batch is what `undo` reverts: the whole /task add, nothing else.
    undone = fake.message_for(await fake.slash(world.alice, "task undo", guild=world.acme))
    assert undone["content"].startswith("Undid your last change: create of T-1")
    assert (await task(services, ws, 1)).deleted_at is not None


async def test_task_delete_asks_and_the_delete_button_confirms(
    world: World, spied_bot: DiscordSurface, services: Services
) -> None:
    fake, ws, alice = world.fake, world.acme_ws, world.alice
    await fake.slash(alice, "task add", guild=world.acme, title="Old idea")
    the_task = await task(services, ws, 1)

    asked_record = await fake.slash(alice, "task delete", guild=world.acme, ref="T-1")
    asked = fake.message_for(asked_record)
    assert asked["content"].startswith("Delete T-1? Press Delete to confirm")
    conversation_id = f"discord:{world.acme.channel_id}:user:{alice.id}"
    conversation = await services.store.conversations.get(ws, conversation_id)
    assert conversation is not None and conversation.pending_action is not None  # the question is kept
    assert (await task(services, ws, 1)).deleted_at is None

    assert asked_record.message_id is not None
    pressed = await fake.click(alice, asked_record.message_id, button_id(asked, "delete", "T-1"))
    deleted = await fake.wait_edited(pressed)
    assert deleted["content"].startswith(f"🗑️ @{alice.global_name} deleted T-1.")
    assert deleted["components"] == []
    assert (await task(services, ws, 1)).deleted_at is not None

    events = await services.store.audit.list(ws, entity_id=the_task.id)
    deletes = [e for e in events if e.action is AuditAction.delete]
    assert [(e.surface, e.batch_id is not None) for e in deletes] == [(Surface.button, True)]
    conversation = await services.store.conversations.get(ws, conversation_id)
    assert conversation is not None and conversation.pending_action is None  # answered by the button


async def test_autocomplete_goes_through_the_unit_of_work_inside_one_workspace(
    world: World, spied_bot: DiscordSurface, spy: Spy, services: Services
) -> None:
    fake = world.fake
    await fake.slash(world.alice, "task add", guild=world.acme, title="Acme badges")
    await fake.slash(world.carol, "task add", guild=world.side, title="Side badges")
    await fake.slash(world.alice, "project add", guild=world.acme, name="Acme launch")
    await fake.slash(world.carol, "project add", guild=world.side, name="Side launch")
    before = [await _work_events(services, ws) for ws in (world.acme_ws, world.side_ws)]
    spy.turns.clear()

    # dave is in both servers: each server's autocomplete shows that server's tasks and projects only.
    in_acme = await fake.autocomplete(world.dave, "task show", "ref", "badges", guild=world.acme)
    in_side = await fake.autocomplete(world.dave, "task show", "ref", "badges", guild=world.side)
    assert in_acme == [{"name": "T-1 · Acme badges", "value": "T-1"}]
    assert in_side == [{"name": "T-1 · Side badges", "value": "T-1"}]
    projects = await fake.autocomplete(world.dave, "task add", "project", "launch", guild=world.side)
    assert [c["value"] for c in projects] == ["Side launch"]

    kinds = [(ctx.workspace_id, type(command)) for ctx, command in spy.turns]
    assert kinds == [
        (world.acme_ws, SuggestTasks),
        (world.side_ws, SuggestTasks),
        (world.side_ws, SuggestProjects),
    ]
    # A lookup changes no task or project.
    assert [await _work_events(services, ws) for ws in (world.acme_ws, world.side_ws)] == before


async def _work_events(services: Services, workspace: str) -> int:
    events = await services.store.audit.list(workspace, limit=500)
    return sum(1 for e in events if e.entity_type in (EntityType.task, EntityType.project))


async def test_a_due_option_is_resolved_once_at_the_turn_s_moment(world: World, services: Services) -> None:
    # One second before midnight, Thursday 2030-01-03 (UTC); a second reading of the clock is Friday.
    clock = SteppingClock(datetime(2030, 1, 3, 23, 59, 59, 500_000, tzinfo=UTC))
    surface = await start_bot(world.fake, services, handler=ConversationHandler(services, clock=clock))
    try:
        created = world.fake.message_for(
            await world.fake.slash(world.alice, "task add", guild=world.acme, title="Ship it", due="fri")
        )
    finally:
        await surface.stop()
    assert created["content"] == "Created T-1."
    assert clock.reads == 1  # one `now` for the whole turn
    assert (await task(services, world.acme_ws, 1)).due_date == date(2030, 1, 4)  # the coming Friday


async def test_buttons_of_older_messages_still_act(
    world: World, bot: DiscordSurface, services: Services
) -> None:
    fake, ws = world.fake, world.acme_ws
    await fake.slash(world.alice, "task add", guild=world.acme, title="From before")
    the_task = await task(services, ws, 1)
    old_id = f"task:complete:{ws}:{the_task.id}"  # what buttons carried before they named the ref
    old = await fake.say(fake.bot, "", guild=world.acme)
    old["embeds"] = [{"type": "rich", "title": "T-1 · From before"}]
    old["components"] = [
        {"type": 1, "components": [{"type": 2, "style": 3, "label": "Complete", "custom_id": old_id}]}
    ]
    updated = await fake.wait_edited(await fake.click(world.bob, int(old["id"]), old_id))
    assert updated["content"] == "✅ @bob completed T-1."
    assert updated["components"] == []
    assert (await task(services, ws, 1)).status.value == "completed"


def test_discord_mentions_become_neutral_tokens() -> None:
    assert neutral_mentions("assign T-3 to <@!42> and <@7>") == "assign T-3 to <@42> and <@7>"
    assert strip_bot_mention("<@!99>, add Book venue <@&5>", 99, role_id=5) == "add Book venue"


def test_which_task_a_button_names() -> None:
    assert button_task("T-12") == 12
    assert button_task("0f3a9c") is None  # an older button: a task id, read from its message instead
    assert legacy_number("Snooze T-12 1 day", None) == 12  # a list row says which task it acts on
    assert legacy_number("Snooze 1 day", None) is None  # "1" is a count of days, not a task
