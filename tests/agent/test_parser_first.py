"""With an LLM configured, requests the parser reads without doubt cost no tokens; the rest go to the LLM."""

from __future__ import annotations

from collections.abc import Callable

from core.models import TaskStatus
from core.services import Services
from tests.agent.conftest import TEST_PROVIDERS, Chat, Script
from tests.conftest import make_actor

PARSER_FIRST = TEST_PROVIDERS.replace("parser_first: false", "parser_first: true")


async def test_clear_requests_skip_the_llm_and_unclear_ones_reach_it(
    chat_with: Callable[..., Chat], services: Services
) -> None:
    assert PARSER_FIRST != TEST_PROVIDERS
    await make_actor(services, name="alice")
    script = Script([[("list_tasks", {})], "Here is what you have."])
    chat = chat_with({"alpha:a-small": script}, providers=PARSER_FIRST)
    await chat.send("project add Launch")
    made = await chat.send("make a task to write the launch post next friday in launch, high priority")
    assert made.tasks and made.tasks[0].project == "Launch" and made.tasks[0].priority.value == "high"
    done = await chat.send("I'm done with the launch post")
    assert done.tasks and done.tasks[0].status is TaskStatus.completed
    assert script.seen == []  # the scripted LLM was never asked
    logs = await services.store.agent_logs.list("local")
    assert [log.provider for log in logs] == ["offline", "offline"]
    assert sum(log.input_tokens + log.output_tokens for log in logs) == 0
    vague = await chat.send("hmm, could you sort out my week somehow")
    assert vague.text == "Here is what you have." and len(script.seen) == 2
    providers = [log.provider for log in await services.store.agent_logs.list("local")]
    assert sorted(providers) == ["alpha", "offline", "offline"]
