"""The labelled corpus through the agent path: each intent has a tool that does it, and its answer reads well.

For each corpus entry with calls, a scripted FunctionModel makes exactly the expected calls (the values an
LLM would send: refs, names, plain-word dates), then answers with what the tools returned. Each entry runs
through the real AgentResponder on its own copy of the seeded fixture workspace (SQLite: one seed, copied per
entry), and must end with no tool error, and an answer that names the task or project it acted on.

The responder is called directly rather than through the ConversationHandler: the handler reads clear
commands ("undo", "add …") with its own grammar before any model, and this file measures the model's tools.
Entries naming tools (or arguments) that are not built yet are counted and printed, not dropped silently.
"""

from __future__ import annotations

import asyncio
import inspect
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    RetryPromptPart,
    TextPart,
    ToolReturnPart,
)

from core.agent import responder as responder_module
from core.agent.responder import AgentResponder
from core.agent.tools import TOOLS
from core.models import Conversation, Surface
from core.services import Actor, Services
from core.understanding.calls import Call
from storage.factory import open_store
from tests.agent.conftest import BOTH_KEYS, Script, make_router
from tests.understanding.test_corpus import (
    REF_ARGS,
    SUMMARY,
    Entry,
    load_corpus,
    norm_title,
    project_number,
    task_set,
)
from tests.understanding.workspace import ME, NOW, PROJECTS, TITLE_BY_NUMBER, WORKSPACE, seed

MODELS = ("alpha:a-small", "alpha:a-large", "beta:b-one")  # every model the test providers file routes to
NEW_TASK = len(TITLE_BY_NUMBER) + 1  # the ref a created task gets in the fixture workspace
PARAMETERS = {fn.__name__: set(inspect.signature(fn).parameters) - {"ctx"} for fn in TOOLS}


def runnable(entry: Entry) -> bool:
    """True when every call's tool exists today and takes every argument the entry gives it."""
    return all(c.tool in PARAMETERS and set(c.args) <= PARAMETERS[c.tool] for c in entry.calls)


@pytest.fixture(scope="module")
def seeded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture workspace in a SQLite file, seeded once; each entry runs on a copy."""
    path = tmp_path_factory.mktemp("corpus-agent") / "seed.db"

    async def write() -> None:
        store = open_store(f"sqlite+aiosqlite:///{path}")
        await store.open()
        try:
            await seed(store)
        finally:
            await store.close()

    asyncio.run(write())
    return path


def _tool_returns(messages: list[ModelMessage]) -> list[str]:
    last = messages[-1]
    assert isinstance(last, ModelRequest)
    return [str(p.content) for p in last.parts if isinstance(p, ToolReturnPart)]


def _retries(messages: list[ModelMessage]) -> list[str]:
    return [
        str(p.content)
        for m in messages
        if isinstance(m, ModelRequest)
        for p in m.parts
        if isinstance(p, RetryPromptPart)
    ]


def _answer_with_returns(messages: list[ModelMessage]) -> ModelResponse:
    """What a model does after its tool calls: tell the user what the tools said."""
    return ModelResponse(parts=[TextPart("\n".join(_tool_returns(messages)))])


def mentions(call: Call) -> list[set[str]]:
    """What the answer to ``call`` must name: for each group, any one of its strings (casefolded)."""
    groups: list[set[str]] = []
    for key in sorted(REF_ARGS & set(call.args)):
        for n in sorted(task_set(call.args[key]) or ()):
            groups.append({f"t-{n}", norm_title(TITLE_BY_NUMBER[n])})
    if call.tool == "create_task":
        groups.append({f"t-{NEW_TASK}", norm_title(call.args["title"])})
    if call.tool in ("show_project", "use_project"):
        n = project_number(call.args["name_or_ref"])
        assert n is not None
        groups.append({f"p-{n}", PROJECTS[n - 1].casefold()})
    if call.tool == "create_project":
        groups.append({norm_title(call.args["name"])})
    return groups


@dataclass
class Outcome:
    ran: Counter[str] = field(default_factory=Counter)
    passed: Counter[str] = field(default_factory=Counter)
    not_built: Counter[str] = field(default_factory=Counter)
    questions: int = 0
    failures: list[str] = field(default_factory=list)


async def run_entry(entry: Entry, seeded: Path, work: Path) -> str | None:
    """Play ``entry``'s calls through the responder on a fresh copy of the workspace; the problem, or None."""
    db = work / "entry.db"
    shutil.copyfile(seeded, db)
    store = open_store(f"sqlite+aiosqlite:///{db}")
    await store.open()
    try:
        services = Services(store)
        alice = await store.users.get(WORKSPACE, ME)
        assert alice is not None
        script = Script([[(c.tool, dict(c.args)) for c in entry.calls], _answer_with_returns])
        router = make_router(dict.fromkeys(MODELS, script), BOTH_KEYS, tmp=work)
        responder = AgentResponder(services, router)
        conversation = Conversation(id="corpus", workspace_id=WORKSPACE, user_id=ME)
        reply = await responder.respond(Actor(alice, Surface.command, at=NOW), conversation, entry.text)
        if not script.seen:
            return f"the scripted model was never asked (answered offline?): {reply.text[:200]!r}"
        problems: list[str] = []
        if retries := _retries(script.seen[-1]):
            problems.append(f"tool retry: {retries}")
        logs = await store.agent_logs.list(WORKSPACE)
        if logs and logs[-1].error:
            problems.append(f"turn error: {logs[-1].error}")
        text = reply.text.strip()
        if not text:
            problems.append("empty answer")
        said = " ".join([text, *_tool_returns(script.seen[-1])]).casefold()
        for call in entry.calls:
            for group in mentions(call):
                if not any(word in said for word in group):
                    problems.append(f"answer names none of {sorted(group)}")
        return "; ".join(problems) + f"\n    answer: {text[:300]!r}" if problems else None
    finally:
        await store.close()


async def test_every_corpus_call_works_through_the_agent(
    seeded_file: Path, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The responder answers what the offline parser understands without any model; here the model makes the
    # calls (the parser is measured by test_corpus.py), as for a request the parser hands to an LLM.
    monkeypatch.setattr(responder_module, "understand", lambda *args, **kwargs: None, raising=False)
    agent = responder_module.build_agent()  # stateless (deps come per run); building one costs ~0.1 s
    monkeypatch.setattr(responder_module, "build_agent", lambda: agent)
    outcome = Outcome()
    for entry in load_corpus():
        if entry.question is not None:
            outcome.questions += 1
            continue
        if not runnable(entry):
            outcome.not_built[entry.intent] += 1
            continue
        outcome.ran[entry.intent] += 1
        problem = await run_entry(entry, seeded_file, tmp_path)
        if problem is None:
            outcome.passed[entry.intent] += 1
        else:
            calls = "; ".join(f"{c.tool}({c.args})" for c in entry.calls)
            outcome.failures.append(f"  {entry.text!r} → {calls}\n    {problem}")
    lines = ["Understanding corpus: agent path (scripted model, real tools)"]
    lines += [f"{i:<16}{outcome.passed[i]:>4}/{outcome.ran[i]:<4}" for i in sorted(outcome.ran)]
    built_not = sum(outcome.not_built.values())
    lines.append(
        f"not built yet: {built_not} ({', '.join(f'{i} {n}' for i, n in sorted(outcome.not_built.items()))})"
    )
    lines.append(f"questions (parser only): {outcome.questions}")
    request.config.stash.setdefault(SUMMARY, []).extend(lines)
    print("\n".join(lines))
    assert sum(outcome.ran.values()) >= 250, "most of the corpus must run through today's tools"
    assert not outcome.failures, f"{len(outcome.failures)} entries failed:\n" + "\n".join(outcome.failures)
