"""A quick-add command (``core.quickadd``) as the tool calls an LLM would make for it."""

from __future__ import annotations

import re
from typing import Any

from core import quickadd as qa
from core import refs
from core.understanding.calls import Call, Understanding


def from_command(command: qa.Command) -> Understanding:
    """The tool calls for a parsed quick-add command; a hint for commands that only make sense typed."""
    match command:
        case qa.AddTask() if command.parent is not None:
            args: dict[str, Any] = {
                "parent": refs.format_task(command.parent),
                "title": command.title,
                "due": command.due.phrase() if command.due else None,
                "priority": command.priority.value if command.priority else None,
                "assignee": command.assignee,
            }
            return [Call("add_subtask", drop_none(args))]
        case qa.AddTask():
            args = {
                "title": command.title,
                "due": command.due.phrase() if command.due else None,
                "priority": command.priority.value if command.priority else None,
                "project": command.project,
                "assignee": command.assignee,
                "tags": list(command.tags) or None,
                "estimate": f"{command.estimate_minutes}m" if command.estimate_minutes else None,
            }
            return [Call("create_task", drop_none(args))]
        case qa.ListTasks():
            args = {
                "project": command.project,
                "assignee": command.assignee,
                "overdue": True if command.window == "overdue" else None,
                "due_before": {"today": "today", "week": "in 7 days"}.get(command.window or ""),
                "status": "all" if command.include_closed else None,
            }
            return [Call("list_tasks", drop_none(args))]
        case qa.ShowTask():
            return [Call("task_details", {"ref": refs.format_task(command.number)})]
        case qa.CompleteTask():
            return [Call("complete_task", {"ref": refs.format_tasks(command.numbers)})]
        case qa.ReopenTask():
            return [Call("reopen_task", {"ref": refs.format_tasks(command.numbers)})]
        case qa.DeleteTask():
            return [Call("delete_task", {"ref": refs.format_tasks(command.numbers)})]
        case qa.RestoreTask():
            return [Call("restore_task", {"ref": refs.format_tasks(command.numbers)})]
        case qa.AssignTask():
            ref = refs.format_task(command.number)
            return [Call("assign_task", {"ref": ref, "assignee": command.assignee or "none"})]
        case qa.EditTask():
            return _edit_calls(command)
        case qa.BlockTask():
            ref, blocker = refs.format_task(command.blocked), refs.format_task(command.blocker)
            return [Call("set_dependency", {"ref": ref, "blocked_by": blocker})]
        case qa.UnblockTask():
            args = {"ref": refs.format_task(command.number)}
            if command.blocker is not None:
                args["blocked_by"] = refs.format_task(command.blocker)
            return [Call("remove_dependency", args)]
        case qa.Undo():
            return [Call("undo")]
        case qa.AddProject():
            args = {
                "name": command.name,
                "due": command.due.phrase() if command.due else None,
                "priority": command.priority.value if command.priority else None,
            }
            return [Call("create_project", drop_none(args))]
        case qa.ListProjects():
            return [Call("list_projects")]
        case qa.ShowProject():
            return [Call("show_project", {"name_or_ref": _project_ref(command.ref)})]
        case qa.UseProject():
            return [Call("use_project", {"name_or_ref": _project_ref(command.ref or "none")})]
        case qa.SearchTasks():
            words = re.sub(r"^(?:for|about)\s+", "", command.text.strip(), flags=re.IGNORECASE)
            return [Call("search_tasks", {"text": words.strip("\"'“”‘’ ") or command.text})]
        case qa.History():
            args = {
                "task": refs.format_task(command.task) if isinstance(command.task, int) else command.task,
                "person": command.person,
                "project": command.project,
                "since": "this week" if command.since == "week" else command.since,
            }
            return [Call("activity", drop_none(args))]
    return "That's a quick-add command: send it on its own line, e.g. `show T-3` or `help`."


def _edit_calls(command: qa.EditTask) -> list[Call]:
    ref = refs.format_task(command.number)
    args = {
        "ref": ref,
        "title": command.title,
        "due": "none" if command.clear_due else (command.due.phrase() if command.due else None),
        "priority": command.priority.value if command.priority else None,
        "project": "none" if command.clear_project else command.project,
        "add_tags": list(command.add_tags) or None,
        "remove_tags": list(command.remove_tags) or None,
    }
    calls = [Call("update_task", drop_none(args))] if len(drop_none(args)) > 1 else []
    if command.estimate_minutes or command.clear_estimate:
        estimate = "none" if command.clear_estimate else f"{command.estimate_minutes}m"
        calls.append(Call("set_estimate", {"ref": ref, "estimate": estimate}))
    if command.assignee or command.clear_assignee:
        calls.append(Call("assign_task", {"ref": ref, "assignee": command.assignee or "none"}))
    return calls


def _project_ref(ref: str) -> str:
    """`use project P-3` names P-3: the word "project" is not part of the name."""
    return re.sub(r"^project\s+", "", ref.strip(), flags=re.IGNORECASE) or ref


def drop_none(args: dict[str, Any]) -> dict[str, Any]:
    """``args`` without the arguments left unset."""
    return {k: v for k, v in args.items() if v is not None}
