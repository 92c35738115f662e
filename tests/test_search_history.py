"""Search, task details and history: the services and the `find`, `show` and `history` commands through the
unit of work on a real Delta store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.render_text import plain
from core.clock import FixedClock
from core.conversation.handler import ConversationHandler
from core.conversation.messages import IncomingMessage, Reply, ReplyKind
from core.errors import NotFoundError, ValidationError
from core.models import AuditAction, AuditEvent, EntityType, Platform, Surface, Task, User, utcnow
from core.services import Actor, Services
from core.services.details import tracker_links
from core.services.history import ago
from core.services.history_window import period
from core.services.search import query_words
from tests.conftest import make_actor

# A Wednesday afternoon in UTC; alice reads in New York (10:00 there).
WED = datetime(2026, 3, 11, 14, 0, tzinfo=UTC)


def said(text: str, user: str = "alice") -> IncomingMessage:
    return IncomingMessage(
        platform=Platform.console,
        workspace_id="local",
        user_id=user,
        user_name=user,
        text=text,
        channel_id="terminal",
        is_dm=True,
        timezone="America/New_York",
    )


class Team:
    """alice and bob talking to one handler. Audit events carry the moment they were written, so the turns'
    clock is the real one here; tests of periods and ages write events at chosen times instead."""

    def __init__(self, services: Services) -> None:
        self.clock = FixedClock(utcnow())
        self.handler = ConversationHandler(services, clock=self.clock)

    async def say(self, text: str, user: str = "alice") -> Reply:
        self.clock.at = max(self.clock.at, utcnow())  # never behind the events already written
        return await self.handler.handle(said(text, user))

    async def alice(self) -> Actor:
        """alice acting outside a message, at the clock's moment."""
        return (await self.handler.actor_for(said(""))).at_moment(self.clock.now())


@pytest.fixture
def team(services: Services) -> Team:
    return Team(services)


# --- search ---------------------------------------------------------------------------------------------


async def test_find_ranks_open_tasks_first_and_title_matches_above_description_and_tags(team: Team) -> None:
    await team.say("add Send invoices to ACME")  # T-1, closed below
    await team.say("add Call the bank +invoices")  # T-2: a tag match
    await team.say("add Pay rent")  # T-3: no match
    await team.say("add Invoice for March")  # T-4: title
    await team.say("done T-1")
    edit = team.handler.services.tasks
    alice = await team.alice()
    await edit.update(alice, 3, description="and ask about the invoice template")  # description match

    found = await team.say("find invoices")
    assert found.kind is ReplyKind.info
    refs = [t.ref for t in found.tasks]
    assert refs[0] == "T-4"  # open, in the title
    assert set(refs[1:3]) == {"T-2", "T-3"}  # open, description or tag
    assert refs[-1] == "T-1"  # closed, even though its title matches
    assert "closed" in (found.footer or "")


async def test_find_forgives_typos_and_filler_words_and_says_when_nothing_matches(team: Team) -> None:
    await team.say("add Renew the insurance")
    await team.say("add Book the band")
    typo = await team.say("search the task about insurnace")
    assert [t.title for t in typo.tasks] == ["Renew the insurance"]
    nothing = await team.say("find quarterly forecast")
    assert nothing.tasks == [] and "Nothing matches" in nothing.text
    by_ref = await team.say("find T-2")
    assert by_ref.tasks[0].ref == "T-2"


async def test_find_stays_in_the_workspace(services: Services) -> None:
    alice = await make_actor(services, "local", "alice")
    carol = await make_actor(services, "other", "carol")
    await services.tasks.create(alice, "Invoice ours")
    await services.tasks.create(carol, "Invoice theirs")
    hits = await services.search.search(alice, "invoice")
    assert [h.task.title for h in hits] == ["Invoice ours"]


async def test_find_needs_words(team: Team, alice: Actor, services: Services) -> None:
    reply = await team.say("find")
    assert reply.kind is ReplyKind.error and reply.usage == "find <words>"
    with pytest.raises(ValidationError):
        await services.search.search(alice, "   ")
    assert query_words("the task about invoices") == ["invoices"]
    assert query_words("anything mentioning DNS") == ["dns"]
    assert query_words("the task") == ["the", "task"]  # all filler: keep what was said


# --- details ---------------------------------------------------------------------------------------------


async def test_show_tells_the_whole_task(team: Team, services: Services) -> None:
    await team.say("add Review contract due fri p2 +legal")
    alice = await team.alice()
    await services.tasks.update(alice, 1, description="Clause 7 needs a second look")
    await services.store.tasks.update(
        "local",
        (await services.store.tasks.get_by_number("local", 1)).id,  # type: ignore[union-attr]
        {"external_ids": {"linear": "abc-123", "linear:url": "https://linear.app/acme/issue/ENG-7"}},
    )
    await team.say("done T-1", user="bob")

    shown = await team.say("show T-1")
    detail = shown.detail
    assert detail is not None and shown.tasks[0].ref == "T-1"
    assert detail.created_by == "alice"
    made = (await services.store.tasks.get_by_number("local", 1)).created_at  # type: ignore[union-attr]
    local = made.astimezone(alice.zone)  # alice's New York time
    assert detail.created.endswith(f"{local:%b} {local.day} {local:%H:%M}")
    assert [(x.tracker, x.remote_id, x.url) for x in detail.links] == [
        ("Linear", "abc-123", "https://linear.app/acme/issue/ENG-7")
    ]
    texts = [a.text for a in detail.recent]
    assert texts[0] == "bob completed T-1 'Review contract'"
    assert texts[-1] == "alice created T-1 'Review contract'"
    assert "alice edited the description of T-1 'Review contract'" in texts
    assert detail.recent[0].ago == "just now"
    text = plain(shown)
    assert "Clause 7 needs a second look" in text
    assert f"Created by alice on {detail.created}" in text
    assert "Linear: https://linear.app/acme/issue/ENG-7" in text
    assert "bob completed T-1 'Review contract' · just now" in text


async def test_show_of_a_missing_or_deleted_task_says_so(team: Team) -> None:
    missing = await team.say("show T-9")
    assert missing.kind is ReplyKind.error and "T-9" in missing.text
    await team.say("add Gone soon")
    await team.say("delete T-1")
    await team.say("yes")
    deleted = await team.say("show T-1")
    assert deleted.kind is ReplyKind.error and "restore T-1" in (deleted.footer or "")


def test_tracker_links_come_from_external_ids() -> None:
    from core.models import Task

    task = Task(
        workspace_id="w",
        title="x",
        external_ids={
            "notion": "1a2b-3c4d",
            "notion:sync": "{}",
            "gitlab": "42",
            "gitlab:url": "https://gitlab.example.com/acme/web/-/issues/42",
            "motion": "m-1",
        },
    )
    links = {x.tracker: x.url for x in tracker_links(task)}
    assert links == {
        "Notion": "https://www.notion.so/1a2b3c4d",
        "GitLab": "https://gitlab.example.com/acme/web/-/issues/42",
        "Motion": None,
    }


# --- history ---------------------------------------------------------------------------------------------


async def test_history_reads_the_trail_in_words(team: Team) -> None:
    await team.say("help", user="bob")  # bob has spoken to the bot, so alice can name him
    await team.say("add Review contract")
    await team.say("project add Launch")
    await team.say("add Book venue #Launch due 2026-03-20")
    await team.say("assign T-1 to @bob")
    await team.say("done T-1", user="bob")
    await team.say("edit T-2 p1")

    everything = await team.say("history")
    lines = [a.line for a in everything.activity]
    assert lines[:3] == [
        "alice set T-2 'Book venue' to critical priority · just now",
        "bob completed T-1 'Review contract' · just now",
        "alice assigned T-1 'Review contract' to bob · just now",
    ]
    assert lines[3:] == [
        "alice created T-2 'Book venue' · just now",
        "alice created project Launch · just now",
        "alice created T-1 'Review contract' · just now",
    ]
    assert everything.text.startswith(f"{len(lines)} changes in the last 7 days")

    bobs = await team.say("history @bob")
    assert [a.text for a in bobs.activity] == ["bob completed T-1 'Review contract'"]
    launch = await team.say("history #Launch")
    assert [a.text for a in launch.activity] == [
        "alice set T-2 'Book venue' to critical priority",
        "alice created T-2 'Book venue'",
        "alice created project Launch",
    ]
    by_title = await team.say("history of the contract review")
    assert "for T-1 'Review contract'" in by_title.text
    one = await team.say("history of T-1")
    assert one.activity[0].text == "bob completed T-1 'Review contract'"
    assert "for T-1 'Review contract'" in one.text
    text = plain(one)
    assert "• bob completed T-1 'Review contract' · just now" in text


async def test_history_windows_follow_the_viewer_s_day(services: Services) -> None:
    alice = await make_actor(services, name="alice", tz="America/New_York")
    # Stored without their own events: the only events are the two written below at chosen times.
    old = await services.store.tasks.create(Task(workspace_id="local", title="Old news"))
    fresh = await services.store.tasks.create(Task(workspace_id="local", title="Fresh"))

    async def event(task_ref: str, task_id: str, at: datetime) -> None:
        await services.store.audit.add(
            AuditEvent(
                workspace_id="local",
                actor_id=alice.user_id,
                surface=Surface.command,
                action=AuditAction.complete,
                entity_type=EntityType.task,
                entity_id=task_id,
                entity_ref=task_ref,
                after={"status": "completed"},
                created_at=at,
            )
        )

    # Wednesday 10:00 in New York is "now"; one change at 23:30 on Tuesday there, one at 08:00 today.
    await event(old.ref, old.id, datetime(2026, 3, 11, 3, 30, tzinfo=UTC))
    await event(fresh.ref, fresh.id, datetime(2026, 3, 11, 12, 0, tzinfo=UTC))
    at_wed = alice.at_moment(WED)
    today = await services.activity.history(at_wed, since="today")
    assert [(a.text, a.ago) for a in today.lines] == [("alice completed T-2 'Fresh'", "2 h ago")]
    yesterday = await services.activity.history(at_wed, since="yesterday")
    assert [(a.text, a.ago) for a in yesterday.lines] == [
        ("alice completed T-1 'Old news'", "yesterday 23:30")
    ]
    later = alice.at_moment(WED + timedelta(days=10))
    assert (await services.activity.history(later, since="week")).lines == []
    both = await services.activity.history(at_wed, task="T-1")
    assert [a.text for a in both.lines] == ["alice completed T-1 'Old news'"]


async def test_history_errors_are_short_and_actionable(team: Team) -> None:
    bad = await team.say("history !soon")
    assert bad.kind is ReplyKind.error and bad.usage is not None
    unknown = await team.say("history of the quarterly forecast")
    assert unknown.kind is ReplyKind.error and "quarterly forecast" in unknown.text
    nobody = await team.say("history @zed")
    assert nobody.kind is ReplyKind.error and "zed" in nobody.text


def test_periods_in_plain_words() -> None:

    # Wednesday 2026-03-11 10:00 in New York.
    actor = Actor(User(workspace_id="w", name="a", timezone="America/New_York"), at=WED)
    ny = actor.zone
    assert period(actor, "today").since == datetime(2026, 3, 11, tzinfo=ny)
    y = period(actor, "yesterday")
    assert (y.since, y.until) == (datetime(2026, 3, 10, tzinfo=ny), datetime(2026, 3, 11, tzinfo=ny))
    assert period(actor, "this week").since == datetime(2026, 3, 9, tzinfo=ny)  # Monday
    assert period(actor, "since monday").since == datetime(2026, 3, 9, tzinfo=ny)
    assert period(actor, "2 days ago").since == datetime(2026, 3, 9, tzinfo=ny)
    assert period(actor, "last 3 hours").since == WED - timedelta(hours=3)
    assert period(actor, None).since == WED - timedelta(days=7)
    last = period(actor, "last week")
    assert (last.since, last.until) == (datetime(2026, 3, 2, tzinfo=ny), datetime(2026, 3, 9, tzinfo=ny))
    assert period(actor, "march 1").since == datetime(2026, 3, 1, tzinfo=ny)
    with pytest.raises(ValidationError):
        period(actor, "whenever it was")


def test_ago_reads_like_a_person() -> None:
    now = WED
    assert ago(now - timedelta(seconds=20), now) == "just now"
    assert ago(now - timedelta(minutes=5), now) == "5 min ago"
    assert ago(now - timedelta(hours=2), now) == "2 h ago"
    assert ago(now - timedelta(days=1, hours=1), now) == "yesterday 13:00"
    assert ago(now - timedelta(days=3), now) == "Sun 14:00"
    assert ago(now - timedelta(days=40), now) == "Jan 30"


async def test_history_of_an_unknown_task_is_not_found(alice: Actor, services: Services) -> None:
    with pytest.raises(NotFoundError):
        await services.activity.history(alice, task="T-5")


def test_details_of_one_of_several_tasks_stay_with_that_task() -> None:
    from bot.discord.embeds import render as discord_render
    from bot.slack.blocks import reply_blocks
    from core.conversation.messages import ActivityView, TaskDetailView, TaskView
    from core.models import Priority, TaskStatus

    def view(n: int) -> TaskView:
        return TaskView(
            id=str(n), ref=f"T-{n}", title=f"Task {n}", status=TaskStatus.todo, priority=Priority.medium
        )

    detail = TaskDetailView(
        ref="T-2",
        created_by="alice",
        created="Wed Mar 11 10:00",
        recent=(ActivityView("alice created T-2", "1 h ago"),),
    )
    reply = Reply("Here.", tasks=[view(1), view(2)], detail=detail)
    assert "T-2:\n    Created by alice on Wed Mar 11 10:00" in plain(reply)
    blocks = reply_blocks(reply)
    assert [b["block_id"] for b in blocks if b.get("block_id", "").endswith(("detail", "history"))] == [
        "task:T-2:detail",
        "task:T-2:history",
    ]
    embeds = discord_render(reply).embeds
    assert embeds[-1].title == "Details of T-2"
    assert embeds[-1].fields[-1].value == "• alice created T-2 · 1 h ago"
