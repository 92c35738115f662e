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
from core.models import Platform
from core.services import Actor, Services
from core.services.details import tracker_links
from core.services.history import ago
from core.services.history_window import period
from core.services.search import query_words
from tests.conftest import make_actor

# A Wednesday afternoon in UTC; alice reads in New York (09:00 there).
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
    """alice and bob talking to one handler whose clock they move."""

    def __init__(self, services: Services) -> None:
        self.clock = FixedClock(WED)
        self.handler = ConversationHandler(services, clock=self.clock)

    async def say(self, text: str, user: str = "alice") -> Reply:
        reply = await self.handler.handle(said(text, user))
        self.clock.advance(timedelta(seconds=1))  # one message a second: the trail's order is the typed one
        return reply

    async def alice(self) -> Actor:
        """alice acting outside a message, at the clock's moment."""
        return (await self.handler.actor_for(said(""))).at_moment(self.clock.now())

    def later(self, **delta: float) -> None:
        self.clock.advance(timedelta(**delta))


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
    assert query_words("the task") == ["the", "task"]  # all filler: keep what was said


# --- details ---------------------------------------------------------------------------------------------


async def test_show_tells_the_whole_task(team: Team, services: Services) -> None:
    await team.say("add Review contract due fri p2 +legal")
    team.later(minutes=1)
    alice = await team.alice()
    await services.tasks.update(alice, 1, description="Clause 7 needs a second look")
    await services.store.tasks.update(
        "local",
        (await services.store.tasks.get_by_number("local", 1)).id,  # type: ignore[union-attr]
        {"external_ids": {"linear": "abc-123", "linear:url": "https://linear.app/acme/issue/ENG-7"}},
    )
    team.later(hours=2)
    await team.say("done T-1", user="bob")

    shown = await team.say("show T-1")
    detail = shown.detail
    assert detail is not None and shown.tasks[0].ref == "T-1"
    assert detail.created_by == "alice"
    assert detail.created == "Wed Mar 11 10:00"  # alice's New York time
    assert [(x.tracker, x.remote_id, x.url) for x in detail.links] == [
        ("Linear", "abc-123", "https://linear.app/acme/issue/ENG-7")
    ]
    texts = [a.text for a in detail.recent]
    assert texts[0] == "bob completed T-1 'Review contract'"
    assert texts[-1] == "alice created T-1 'Review contract'"
    assert "alice edited the description of T-1 'Review contract'" in texts
    assert detail.recent[0].ago == "just now" and detail.recent[-1].ago == "2 h ago"
    text = plain(shown)
    assert "Clause 7 needs a second look" in text
    assert "Created by alice on Wed Mar 11 10:00" in text
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
    team.later(hours=1)
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
    assert "alice created project Launch · 1 h ago" in lines
    assert "alice created T-2 'Book venue' · 1 h ago" in lines
    assert everything.text.startswith(f"{len(lines)} changes in the last 7 days")

    bobs = await team.say("history @bob")
    assert [a.text for a in bobs.activity] == ["bob completed T-1 'Review contract'"]
    launch = await team.say("history #Launch")
    assert [a.text for a in launch.activity] == [
        "alice set T-2 'Book venue' to critical priority",
        "alice created T-2 'Book venue'",
        "alice created project Launch",
    ]
    one = await team.say("history of T-1")
    assert one.activity[0].text == "bob completed T-1 'Review contract'"
    assert "for T-1 'Review contract'" in one.text
    text = plain(one)
    assert "• bob completed T-1 'Review contract' · just now" in text


async def test_history_windows_follow_the_viewer_s_day(team: Team) -> None:
    # Wed 09:00 in New York: the first change; the second on Thursday 09:00 there.
    await team.say("add Old news")
    team.later(days=1)
    await team.say("add Fresh")
    today = await team.say("history today")
    assert [a.text for a in today.activity] == ["alice created T-2 'Fresh'"]
    assert today.text == "1 change today:"
    yesterday = await team.say("history yesterday")
    assert [a.text for a in yesterday.activity] == ["alice created T-1 'Old news'"]
    assert yesterday.activity[0].ago == "yesterday 10:00"
    team.later(days=10)
    quiet = await team.say("history week")
    assert quiet.activity == [] and quiet.text == "No changes in the last 7 days."


async def test_history_errors_are_short_and_actionable(team: Team) -> None:
    bad = await team.say("history soon")
    assert bad.kind is ReplyKind.error and bad.usage is not None
    nobody = await team.say("history @zed")
    assert nobody.kind is ReplyKind.error and "zed" in nobody.text


def test_periods_in_plain_words() -> None:
    from core.models import User

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
