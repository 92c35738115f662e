"""The services name projects, people and tasks as people type them, on a real store, per workspace."""

from __future__ import annotations

import pytest

from core.conversation.handler import ConversationHandler
from core.conversation.messages import IncomingMessage, ReplyKind
from core.errors import NotFoundError, ValidationError
from core.models import Platform, TaskStatus
from core.services import Actor, Services
from tests.conftest import make_actor


async def _projects(services: Services, actor: Actor) -> None:
    for name in ("Website relaunch", "Launch", "Webinar series"):
        await services.projects.create(actor, name)


@pytest.mark.parametrize(
    "typed", ["Website relaunch", "website relaunch", "website-relaunch", "website", "#website", "relaunch"]
)
async def test_a_project_by_name_slug_prefix_or_word(services: Services, alice: Actor, typed: str) -> None:
    await _projects(services, alice)
    assert (await services.resolve.project(alice, typed)).name == "Website relaunch"


async def test_an_exact_name_beats_a_word_of_another(services: Services, alice: Actor) -> None:
    await _projects(services, alice)
    assert (await services.resolve.project(alice, "launch")).name == "Launch"
    assert (await services.resolve.project(alice, "P-3")).name == "Webinar series"


async def test_an_ambiguous_project_names_the_candidates(services: Services, alice: Actor) -> None:
    await _projects(services, alice)
    with pytest.raises(ValidationError) as err:
        await services.resolve.project(alice, "web")
    assert err.value.message == "`web` could be Website relaunch or Webinar series; say which."
    with pytest.raises(NotFoundError, match="There is no project `sales`"):
        await services.resolve.project(alice, "sales")


async def test_quick_add_lands_in_the_project_a_prefix_names(services: Services) -> None:
    handler = ConversationHandler(services)

    def message(text: str) -> IncomingMessage:
        return IncomingMessage(
            platform=Platform.slack,
            workspace_id="slack:T1",
            user_id="U1",
            user_name="alice",
            text=text,
            channel_id="C1",
        )

    await handler.handle(message("project add Website relaunch"))
    reply = await handler.handle(message("add Fix signup bug #website"))
    assert reply.kind is ReplyKind.success, reply.text
    alice = await make_actor(services, workspace="slack:T1", name="alice")
    task = await services.tasks.get(alice, "T-1")
    project = await services.resolve.project(alice, "Website relaunch")
    assert task.title == "Fix signup bug" and task.project_id == project.id


async def test_people_by_first_or_last_name_and_accents(services: Services, alice: Actor) -> None:
    sam = await services.users.ensure_user("local", "sam", display_name="Sam Park")
    maria = await services.users.ensure_user("local", "María López")
    for typed in ("sam", "@sam", "Sam Park", "park", "@Park"):
        assert (await services.resolve.user(alice, typed)).id == sam.id, typed
    for typed in ("maria", "María", "lopez"):
        assert (await services.resolve.user(alice, typed)).id == maria.id, typed
    assert (await services.resolve.user(alice, "me")).id == alice.user_id
    task = await services.tasks.create(alice, "Renew the insurance", assignee="park")
    assert task.assignee_id == sam.id


async def test_two_people_with_one_first_name_are_a_question(services: Services, alice: Actor) -> None:
    await services.users.ensure_user("local", "alex.kim", display_name="Alex Kim")
    ng = await services.users.ensure_user("local", "alex.ng", display_name="Alex Ng")
    with pytest.raises(ValidationError, match="`alex` could be @Alex Kim or @Alex Ng"):
        await services.resolve.user(alice, "alex")
    assert (await services.resolve.user(alice, "ng")).id == ng.id
    with pytest.raises(NotFoundError, match="I don't know anyone called `zoe`"):
        await services.resolve.user(alice, "zoe")


async def _tasks(services: Services, actor: Actor) -> None:
    for title in (
        "Slides for the board meeting",
        "Update pricing page",
        "Write blog post",
        "Publish blog post about hiring",
        "Send invoices to clients",
    ):
        await services.tasks.create(actor, title)


@pytest.mark.parametrize(
    ("typed", "ref"),
    [("the slides", "T-1"), ("pricing task", "T-2"), ("invocies", "T-5"), ("T-3", "T-3"), ("4", "T-4")],
)
async def test_a_task_by_ref_or_title(services: Services, alice: Actor, typed: str, ref: str) -> None:
    await _tasks(services, alice)
    assert (await services.resolve.task(alice, typed)).ref == ref


async def test_services_act_on_a_task_named_by_its_title(services: Services, alice: Actor) -> None:
    await _tasks(services, alice)
    done = await services.tasks.complete(alice, ["the slides"])
    assert [t.ref for t in done] == ["T-1"]
    assert (await services.tasks.get(alice, "T-1")).status is TaskStatus.completed
    # A completed task is no longer open, but `reopen` can still name it by title.
    reopened = await services.tasks.reopen(alice, "the slides")
    assert reopened.ref == "T-1" and reopened.status is TaskStatus.todo


async def test_close_titles_are_a_question_naming_both(services: Services, alice: Actor) -> None:
    await _tasks(services, alice)
    with pytest.raises(ValidationError) as err:
        await services.resolve.task(alice, "the blog post")
    assert err.value.message == "Which one: T-3 'Write blog post' or T-4 'Publish blog post about hiring'?"


async def test_words_that_name_no_task(services: Services, alice: Actor) -> None:
    await _tasks(services, alice)
    for typed in ("it", "the task", "quarterly taxes"):
        with pytest.raises(ValidationError, match="not a task reference"):
            await services.resolve.task(alice, typed)
    with pytest.raises(NotFoundError, match="T-9 doesn't exist"):
        await services.resolve.task(alice, "T-9")


async def test_a_deleted_task_is_named_by_title_only_to_restore_it(services: Services, alice: Actor) -> None:
    await _tasks(services, alice)
    await services.tasks.delete(alice, ["T-2"])
    with pytest.raises(ValidationError):
        await services.resolve.task(alice, "pricing task")
    assert (await services.resolve.task(alice, "pricing task", include_deleted=True)).ref == "T-2"
    restored = await services.tasks.restore(alice, "the pricing page")
    assert restored.ref == "T-2" and restored.deleted_at is None


async def test_a_deleted_task_and_an_open_look_alike_are_a_question(services: Services, alice: Actor) -> None:
    await services.tasks.create(alice, "Budget review")
    await services.tasks.create(alice, "Budget review for Q3")
    await services.tasks.delete(alice, ["T-1"])
    # Completing names open tasks only; restoring weighs the deleted one against the open look-alike.
    assert (await services.resolve.task(alice, "the budget review")).ref == "T-2"
    with pytest.raises(ValidationError, match="Which one: T-1 'Budget review' or T-2"):
        await services.tasks.restore(alice, "the budget review")


async def test_names_never_cross_workspaces(services: Services) -> None:
    a = await make_actor(services, workspace="slack:T1", name="alice")
    b = await make_actor(services, workspace="discord:42", name="bob")
    await services.projects.create(a, "Website relaunch")
    await services.tasks.create(a, "Slides for the board meeting")
    await services.users.ensure_user("slack:T1", "sam", display_name="Sam Park")
    with pytest.raises(NotFoundError):
        await services.resolve.project(b, "website")
    with pytest.raises(NotFoundError):
        await services.resolve.project(b, "Website relaunch")
    with pytest.raises(NotFoundError):
        await services.resolve.user(b, "park")
    with pytest.raises(ValidationError, match="no task here is called that"):
        await services.resolve.task(b, "the slides")
    await services.tasks.create(b, "Slides for kickoff")
    assert (await services.resolve.task(b, "the slides")).title == "Slides for kickoff"
    assert (await services.resolve.task(a, "the slides")).title == "Slides for the board meeting"
