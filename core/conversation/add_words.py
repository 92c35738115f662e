"""A typed `add …` whose words say more than its marks: "add book a hotel in wedding by dec 1, high prio".

The quick-add grammar reads options by their marks (``#project``, ``@person``, ``p1``, a trailing date) and
keeps every other word in the title. When the title holds words that may name an option (a preposition before
a project's name, a priority in words, "for sam"), the workspace-aware parser reads the whole line again with
the projects and people of the workspace: what it places becomes options, the rest the title. A line it
reads as something else than a new task ("add a subtask to T-3: …") goes to the responder instead.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
from typing import Any

from core.models import Priority
from core.quickadd_commands import AddTask, DuePhrase
from core.services import Actor
from core.services.validation import parse_priority
from core.store import Store
from core.understanding.calls import Call
from core.understanding.parser import understand
from core.understanding.vocabulary import Vocabulary

_MAY_SAY_MORE = re.compile(
    r"\b(?:in|into|to|for|on|under|by|before|every|each|priority|prio|urgent|urgently|asap|whenever|important|"
    r"someday|critical|subtask|sub-task|reminder|remind|assign|assigned|no rush)\b|^(?:a|an|task|new)\b|~\d",
    re.IGNORECASE,
)
_OPTIONS = frozenset({"title", "due", "priority", "project", "assignee", "tags", "repeat"})


def may_say_more(command: AddTask) -> bool:
    """True when the title has words that could be options: only then is the line read again (two reads)."""
    return bool(_MAY_SAY_MORE.search(command.title))


async def reread(store: Store, actor: Actor, text: str, command: AddTask) -> AddTask | None:
    """``command`` with the options its words name; None when the line asks for something else than a plain
    new task (the responder answers it)."""
    ws = actor.workspace_id
    vocab = Vocabulary.of(actor.user_id, await store.projects.list(ws), await store.users.list(ws), [])
    # dateparser and the fuzzy matchers cost milliseconds: off the event loop
    found = await asyncio.to_thread(understand, text, vocab, tz=actor.user.timezone, now=actor.now())
    if not isinstance(found, list) or not found:
        return command
    first = found[0]
    if len(found) > 1 or first.tool != "create_task":
        return None
    if set(first.args) - _OPTIONS:
        return None  # an estimate: the responder says what is not available yet
    return _merged(command, first)


def _merged(command: AddTask, call: Call) -> AddTask:
    args: dict[str, Any] = call.args
    priority: Priority | None = command.priority
    if args.get("priority"):
        priority = parse_priority(str(args["priority"]))
    due = command.due
    if args.get("due") and due is None:
        due = DuePhrase(str(args["due"]))
    return dataclasses.replace(
        command,
        title=str(args.get("title") or command.title),
        due=due,
        priority=priority,
        project=command.project or args.get("project"),
        assignee=command.assignee or args.get("assignee"),
        tags=tuple(dict.fromkeys([*command.tags, *args.get("tags", [])])),
        repeat=command.repeat or (str(args["repeat"]) if args.get("repeat") else None),
    )
