"""ConversationHandler.execute: one actor, one `now`, one audit batch, one error path per turn."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from core.clock import FixedClock
from core.conversation.handler import ConversationHandler
from core.conversation.messages import IncomingMessage, Person, ReplyKind
from core.models import Platform, Surface
from core.quickadd_commands import (
    AddTask,
    CompleteTask,
    Confirm,
    DeleteTask,
    DuePhrase,
    SuggestProjects,
    SuggestTasks,
    Text,
)
from core.services import Services

# A Thursday, one second before midnight in UTC; the machine's clock is months later.
THU_MIDNIGHT = datetime(2026, 3, 12, 23, 59, 59, tzinfo=UTC)


def ctx(
    *,
    user: str = "U1",
    name: str = "alice",
    ws: str = "slack:T1",
    channel: str = "C1",
    surface: Surface = Surface.command,
    people: tuple[Person, ...] = (),
    text: str = "",
) -> IncomingMessage:
    return IncomingMessage(
        platform=Platform.slack,
        workspace_id=ws,
        user_id=user,
        user_name=name,
        text=text,
        channel_id=channel,
        surface=surface,
        people=people,
        timezone="UTC",
    )


async def test_due_phrases_are_read_once_at_the_turns_moment(services: Services) -> None:
    clock = FixedClock(THU_MIDNIGHT)
    handler = ConversationHandler(services, clock=clock)
    typed = await handler.handle(ctx(text="add Typed due fri"))
    formed = await handler.execute(ctx(), AddTask("From a form", due=DuePhrase("fri")))
    assert typed.kind is ReplyKind.success and formed.kind is ReplyKind.success
    # Friday is the next day for this clock, whatever the machine's date is.
    assert typed.tasks[0].due_date == formed.tasks[0].due_date == date(2026, 3, 13)
    clock.advance(timedelta(seconds=2))  # now it is Friday: "fri" means a week later
    later = await handler.handle(ctx(text="add Later due fri"))
    assert later.tasks[0].due_date == date(2026, 3, 20)


async def test_a_bad_due_phrase_from_a_form_is_a_short_reply(services: Services) -> None:
    handler = ConversationHandler(services)
    reply = await handler.execute(ctx(), AddTask("X", due=DuePhrase("blursday")))
    assert reply.kind is ReplyKind.error and "blursday" in reply.text
    listed = await handler.handle(ctx(text="list"))
    assert listed.tasks == []  # nothing half-written


async def test_questions_never_move_new_tasks_into_a_project(services: Services) -> None:
    handler = ConversationHandler(services)
    await handler.handle(ctx(text="project add Launch"))
    await handler.handle(ctx(text="project show Launch"))
    plain = await handler.handle(ctx(text="add Not in a project"))
    assert plain.tasks[0].project is None
    assert plain.footer is None or "Using" not in plain.footer

    used = await handler.handle(ctx(text="use #Launch"))
    assert used.kind is ReplyKind.success and "Launch" in used.text
    placed = await handler.handle(ctx(text="add Goes to launch"))
    assert placed.tasks[0].project == "Launch"
    assert placed.footer is not None and "Using #Launch" in placed.footer

    # A later session (a new process) finds the same conversation using the same project.
    again = await ConversationHandler(services).handle(ctx(text="add Still launch"))
    assert again.tasks[0].project == "Launch"
    # Another conversation is not affected.
    elsewhere = await handler.handle(ctx(text="add Elsewhere", channel="C2"))
    assert elsewhere.tasks[0].project is None

    stopped = await handler.handle(ctx(text="use none"))
    assert stopped.kind is ReplyKind.success
    after = await handler.handle(ctx(text="add No project again"))
    assert after.tasks[0].project is None and (after.footer is None or "Using" not in after.footer)


async def test_one_turn_is_one_audit_batch_with_the_surface(services: Services) -> None:
    handler = ConversationHandler(services)
    await handler.handle(ctx(text="add One"))
    await handler.handle(ctx(text="add Two"))
    await handler.execute(ctx(surface=Surface.button), CompleteTask((1, 2)))
    events = await services.store.audit.list("slack:T1", limit=10)
    completes = [e for e in events if e.action.value == "complete"]
    assert len(completes) == 2
    assert {e.surface for e in completes} == {Surface.button}
    assert len({e.batch_id for e in completes}) == 1
    undone = await handler.handle(ctx(text="undo"))
    assert undone.kind is ReplyKind.success
    listed = await handler.handle(ctx(text="list"))
    assert sorted(t.ref for t in listed.tasks) == ["T-1", "T-2"]  # both reopened by one undo


async def test_typed_delete_asks_and_a_button_confirms(services: Services) -> None:
    handler = ConversationHandler(services)
    await handler.handle(ctx(text="add Doomed"))
    ask = await handler.execute(ctx(), DeleteTask((1,)))
    assert ask.kind is ReplyKind.confirm and ask.confirm_action == "delete"
    done = await handler.execute(ctx(), Confirm())
    assert done.kind is ReplyKind.success and "Deleted T-1" in done.text
    await handler.handle(ctx(text="add Second"))
    now = await handler.execute(ctx(surface=Surface.button), DeleteTask((2,), confirmed=True))
    assert "Deleted T-2" in now.text
    late = await handler.execute(ctx(surface=Surface.button), DeleteTask((2,), confirmed=True))
    assert late.kind is ReplyKind.info and "Already deleted" in late.text


async def test_people_named_get_rows_after_the_sender(services: Services) -> None:
    handler = ConversationHandler(services)
    sam = Person("U9", "sam", display_name="Sam")
    reply = await handler.handle(ctx(text="add Renew insurance <@U9>", people=(sam,)))
    assert reply.kind is ReplyKind.success, reply.text
    assert reply.tasks[0].assignee in ("sam", "Sam")
    roles = {u.slack_user_id: u.role.value for u in await services.users.list("slack:T1")}
    assert roles == {"U1": "admin", "U9": "member"}  # the sender came first


async def test_the_actor_is_resolved_once_per_turn(services: Services) -> None:
    handler = ConversationHandler(services)
    calls: list[str] = []
    original = services.users.ensure_user

    async def counting(*args: object, **kwargs: object) -> object:
        calls.append(str(args[1]))
        return await original(*args, **kwargs)  # type: ignore[arg-type]

    services.users.ensure_user = counting  # type: ignore[method-assign]
    await handler.handle(ctx(text="add Counted"))
    assert calls == ["alice"]


async def test_task_zero_is_refused_the_same_everywhere(services: Services) -> None:
    handler = ConversationHandler(services)
    await handler.handle(ctx(text="add One"))
    for text in ("show T-0", "done T-0", "done 0"):
        reply = await handler.handle(ctx(text=text))
        assert reply.kind is ReplyKind.error and "isn't a task reference" in reply.text, text


async def test_lookups_stay_in_the_workspace_and_write_nothing(services: Services) -> None:
    handler = ConversationHandler(services)
    await handler.handle(ctx(text="add Invoice March"))
    await handler.handle(ctx(text="project add Launch"))
    await handler.handle(ctx(ws="slack:T2", text="add Invoice secret"))
    before = len(await services.store.audit.list("slack:T1", limit=50))
    tasks = await handler.execute(ctx(), SuggestTasks("invoice"))
    assert [t.title for t in tasks.tasks] == ["Invoice March"]
    by_ref = await handler.execute(ctx(), SuggestTasks("T-"))
    assert [t.ref for t in by_ref.tasks] == ["T-1"]
    projects = await handler.execute(ctx(), SuggestProjects("lau"))
    assert [p.name for p in projects.projects] == ["Launch"]
    assert len(await services.store.audit.list("slack:T1", limit=50)) == before


async def test_unexpected_errors_become_an_incident_reply(services: Services) -> None:
    handler = ConversationHandler(services)

    async def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("secret-token-123 in a traceback")

    services.tasks.create = broken  # type: ignore[method-assign]
    reply = await handler.execute(ctx(), Text("add Boom"))
    assert reply.kind is ReplyKind.error and "incident" in reply.text
    assert "secret-token-123" not in reply.text and "Traceback" not in reply.text


async def test_stamps_of_a_turn_are_the_clocks_moment(services: Services) -> None:
    clock = FixedClock(THU_MIDNIGHT)
    handler = ConversationHandler(services, clock=clock)
    await handler.handle(ctx(text="add Stamped"))
    await handler.handle(ctx(text="done T-1"))
    done = await services.store.tasks.get_by_number("slack:T1", 1)
    assert done is not None and done.completed_at == THU_MIDNIGHT
    await handler.handle(ctx(text="add Doomed"))
    await handler.execute(ctx(surface=Surface.button), DeleteTask((2,), confirmed=True))
    gone = await services.store.tasks.get_by_number("slack:T1", 2)
    assert gone is not None and gone.deleted_at == THU_MIDNIGHT
