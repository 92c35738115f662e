"""The one fixture workspace the understanding corpus is written against.

Alice is writing. Five people, five projects, 25 open tasks (T-1..T-25) with deliberate near-duplicates
("Draft blog post" / "Blog post about the launch", two "Slides for …"), and five closed or deleted ones
(T-26..T-30) to reopen and restore. ``VOCAB`` is what the parser sees; ``seed`` writes the same rows into a
real store through the services, in order, so the refs agree.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from core.models import Platform, Surface, User
from core.services import Actor, Services
from core.store import Store
from core.understanding.vocabulary import PersonName, ProjectName, TaskTitle, Vocabulary

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # a Thursday
WORKSPACE = "local"
ME = "u-alice"


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    display_name: str | None = None
    slack_user_id: str | None = None
    discord_user_id: str | None = None


@dataclass(frozen=True)
class Spec:
    """One task row: its title, project number, assignee id, due day, priority and final state."""

    title: str
    project: int | None = None
    assignee: str | None = None
    due: date | None = None
    priority: str | None = None
    state: str = "open"  # open | completed | deleted


PEOPLE = (
    Person(ME, "alice", "Alice Moreau"),
    Person("u-sam", "sam", "Sam Park", slack_user_id="U0SAM", discord_user_id="222000000000000001"),
    Person("u-bob", "bob", "Bob Lee", slack_user_id="U0BOB"),
    Person("u-maria", "maria", "María García"),
    Person("u-dan", "dev-ops-dan", "Dan"),
)

PROJECTS = ("Launch", "Website relaunch", "Wedding", "Marketing", "Q4 planning")  # P-1..P-5

_SAM, _BOB, _MARIA, _DAN = "u-sam", "u-bob", "u-maria", "u-dan"
TASKS = (
    Spec("Draft blog post", 4, ME, date(2026, 11, 27)),  # T-1
    Spec("Blog post about the launch", 1, _SAM, date(2026, 12, 2)),  # T-2
    Spec("Slides for the board meeting", 5, ME, date(2026, 11, 30), "high"),  # T-3
    Spec("Slides for the kickoff", 1, _BOB, date(2026, 12, 1)),  # T-4
    Spec("Update pricing page", 2, _SAM, date(2026, 11, 24)),  # T-5 (overdue)
    Spec("Send invoices to clients", None, ME, date(2026, 11, 20), "high"),  # T-6 (overdue)
    Spec("Budget review", 5, _BOB, date(2026, 12, 1)),  # T-7
    Spec("Book the venue", 3, ME, date(2026, 12, 5), "high"),  # T-8
    Spec("Print flyers", None, _MARIA, date(2026, 12, 3)),  # T-9 (no project yet)
    Spec("Fix signup bug", 2, _DAN, date(2026, 11, 25), "critical"),  # T-10 (overdue)
    Spec("Renew the insurance", None, None, date(2027, 3, 3)),  # T-11
    Spec("Review contract", 1, _BOB, date(2026, 11, 26)),  # T-12 (due today)
    Spec("Order the wedding cake", 3, _MARIA, date(2026, 12, 10)),  # T-13
    Spec("Write the newsletter", 4, _SAM),  # T-14
    Spec("Migrate DNS to the new host", 2, _DAN, None, "low"),  # T-15
    Spec("Send wedding invitations", 3, ME, date(2026, 12, 15)),  # T-16
    Spec("Plan the team offsite", 5, None, None, "low"),  # T-17
    Spec("Call the caterer", 3, ME, date(2026, 11, 27)),  # T-18
    Spec("Prepare Q4 forecast", 5, ME, date(2026, 12, 4)),  # T-19
    Spec("Set up analytics dashboard", 2, _SAM),  # T-20
    Spec("Write press release", 1, _MARIA, date(2026, 12, 2)),  # T-21
    Spec("Order new laptops", None, _BOB, None, "backlog"),  # T-22
    Spec("Clean up the backlog", None, None),  # T-23
    Spec("Update the FAQ", 2, None, date(2026, 12, 8)),  # T-24
    Spec("Pay the photographer deposit", 3, ME, date(2026, 11, 23)),  # T-25 (overdue)
    Spec("Book flights to Lisbon", None, ME, state="completed"),  # T-26
    Spec("Choose the wedding photographer", 3, ME, state="completed"),  # T-27
    Spec("Old landing page copy", 2, _SAM, state="deleted"),  # T-28
    Spec("Team lunch", None, _BOB, state="deleted"),  # T-29
    Spec("Submit expense report", None, ME, state="completed"),  # T-30
)

PERSON_BY_ID = {p.id: p for p in PEOPLE}
TITLE_BY_NUMBER = {n: spec.title for n, spec in enumerate(TASKS, start=1)}

VOCAB = Vocabulary(
    me=ME,
    projects=tuple(ProjectName(f"P-{n}", name) for n, name in enumerate(PROJECTS, start=1)),
    people=tuple(
        PersonName(p.id, p.name, p.display_name, p.slack_user_id, p.discord_user_id) for p in PEOPLE
    ),
    tasks=tuple(
        TaskTitle(n, spec.title, f"P-{spec.project}" if spec.project else None, spec.assignee)
        for n, spec in enumerate(TASKS, start=1)
        if spec.state == "open"
    ),
)
if "closed" in Vocabulary.__dataclass_fields__:  # the closed titles reopen/restore can name (lead's change)
    VOCAB = replace(
        VOCAB,
        closed=tuple(
            TaskTitle(n, spec.title, f"P-{spec.project}" if spec.project else None, spec.assignee)
            for n, spec in enumerate(TASKS, start=1)
            if spec.state != "open"
        ),
    )


@dataclass(frozen=True)
class Seeded:
    services: Services
    actor: Actor  # alice, acting at NOW
    users: dict[str, User]  # by id


async def seed(store: Store) -> Seeded:
    """Write the fixture workspace into ``store`` (empty): people, projects, then tasks in ref order."""
    services = Services(store)
    await services.users.ensure_workspace(WORKSPACE, Platform.console, timezone="UTC")
    users: dict[str, User] = {}
    for p in PEOPLE:
        ids = {"slack_user_id": p.slack_user_id, "discord_user_id": p.discord_user_id}
        users[p.id] = await services.users.ensure_user(
            WORKSPACE, p.name, timezone="UTC", id=p.id, display_name=p.display_name, **ids
        )
    actor = Actor(users[ME], Surface.command, at=NOW)
    for name in PROJECTS:
        await services.projects.create(actor, name)
    for n, spec in enumerate(TASKS, start=1):
        task = await services.tasks.create(
            actor,
            spec.title,
            project=f"P-{spec.project}" if spec.project else None,
            due=spec.due,
            priority=spec.priority,
            assignee=users[spec.assignee].name if spec.assignee else None,
        )
        assert task.number == n, f"seeded {task.ref} for spec {n}"
        if spec.state == "completed":
            await services.tasks.complete(actor, [n])
        elif spec.state == "deleted":
            await services.tasks.delete(actor, [n])
    return Seeded(services, actor, users)
