"""The FreeFormResponder the conversation handler calls for text quick-add does not parse: the LLM agent.

Per message: budget → route → run the agent over the stored history → save history → write an AgentLog →
a Reply with the tasks the tools touched. It never raises for model or tool trouble: the user gets an answer.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import re
from time import perf_counter

from pydantic_ai import Agent, AgentRunError, UsageLimits
from pydantic_ai.exceptions import ModelHTTPError
from pydantic_ai.settings import ModelSettings

from core.agent import history
from core.agent.choices import confirmable
from core.agent.deps import AgentDeps, TurnRecord
from core.agent.offline import Tools, offline_model, playable
from core.agent.prompt import instructions
from core.agent.router import AUTO_WORDS, OFFLINE, OFFLINE_CANDIDATE, Budget, Route, Router, Trace
from core.agent.tools import TOOLS
from core.agent.usage import TokenMeter
from core.conversation.messages import Reply, ReplyKind
from core.conversation.pending import BATCH, describe_op
from core.conversation.views import activity_views, detail_view, project_view, task_views
from core.models import AgentLog, Conversation, Surface
from core.quickadd import QuickAddError
from core.services import Actor, Services
from core.understanding.calls import Question, Understanding
from core.understanding.parser import understand
from core.understanding.vocabulary import Vocabulary, load_vocabulary

log = logging.getLogger(__name__)

MAX_REQUESTS = 8  # model requests per message: enough for a few tool rounds, bounded against loops
MAX_VIEWS = 25
# `model`, `model openai:gpt-4.1`, `/orchestrator model auto`; one word only: "model the plan" is a request
_MODEL_COMMAND = re.compile(r"^\s*(?:/orchestrator\s+)?model(?:\s+(?P<arg>\S+))?\s*$", re.IGNORECASE)


def tool_arguments() -> Tools:
    """Each tool's argument names (the first, the run context, left out)."""
    return {fn.__name__: set(list(inspect.signature(fn).parameters)[1:]) for fn in TOOLS}


def build_agent() -> Agent[AgentDeps, str]:
    """The agent: tools and instructions only; the model is chosen per message by the router."""
    return Agent(deps_type=AgentDeps, tools=TOOLS, instructions=instructions, retries=2, name="orchestrator")


def _reason(exc: Exception) -> str:
    """A short, secret-free reason for a provider failure, fit for a chat reply."""
    if isinstance(exc, ModelHTTPError):
        return f"HTTP {exc.status_code}"
    return type(exc).__name__


class AgentResponder:
    """Answers free-form text with the agent; one instance per process."""

    def __init__(self, services: Services, router: Router, *, preference: str | None = None) -> None:
        self.services = services
        self.router = router
        self.preference = preference  # the console's --model; a conversation's own choice wins
        self.agent = build_agent()
        self.tools = tool_arguments()
        self.meter = TokenMeter(services.store)

    @property
    def understands_free_text(self) -> bool:
        """True when an LLM provider is configured, so a malformed command is better read by a model."""
        return any(status.available for status in self.router.statuses())

    async def respond(
        self, actor: Actor, conversation: Conversation, text: str, *, malformed: QuickAddError | None = None
    ) -> Reply:
        """Run one agent turn for ``text`` and answer it; ``malformed`` as in ``FreeFormResponder``."""
        if match := _MODEL_COMMAND.match(text):
            return await self._model_command(conversation, match["arg"])
        actor = actor.via(Surface.agent)
        started = perf_counter()
        route = self.router.route(
            text, preference=conversation.preferred_model or self.preference, budget=await self._budget(actor)
        )
        now = actor.now()
        offline = route.usual is OFFLINE_CANDIDATE
        found: Understanding = None
        # The workspace's names cost a few narrow reads; an LLM-only turn (parser_first off) goes without.
        vocab = Vocabulary(me=actor.user_id)
        if offline or self.router.config.parser_first:
            vocab = await load_vocabulary(self.services.store, actor.workspace_id, actor.user_id)
            found = await asyncio.to_thread(
                understand, text, vocab, tz=actor.user.timezone, now=now, strict=not offline
            )
        if not offline and playable(found, self.tools):
            # The parser reads this request without doubt: it costs no tokens.
            route = Route(route.task_type, [OFFLINE_CANDIDATE], route.notes)
        elif offline and malformed is not None and (found is None or isinstance(found, str)):
            raise malformed  # neither the parser nor a model can read it: the command's usage helps most
        known = {text: found} if offline else {}  # what the offline model would compute again, on the loop
        model, trace = self.router.build(route, offline_model(vocab, actor.user.timezone, now, known))
        deps = AgentDeps(actor, self.services, conversation)
        failure: str | None = None
        try:
            result = await self.agent.run(
                text,
                deps=deps,
                model=model,
                message_history=history.load(conversation),
                usage_limits=UsageLimits(request_limit=MAX_REQUESTS),
                model_settings=ModelSettings(
                    max_retries=self.router.config.sdk_retries, timeout=self.router.config.timeout_seconds
                ),
            )
            answer = result.output.strip() or "Done."
            if offline and isinstance(found, Question) and len(found.choices) == 1:
                op = confirmable(found.choices[0])
                if op is not None:  # "Did you mean T-8 …?": a bare `yes` does it
                    deps.turn.queued.append(op)
                    deps.conversation.pending_action = {
                        "action": BATCH,
                        "ops": [op],
                        "requested_by": actor.user_id,
                    }
            history.save(conversation, result.all_messages())
        except (AgentRunError, ExceptionGroup) as exc:
            # Tool retries exhausted, a request loop, or every model failed: keep what the tools did, say so.
            failure = self.router.redact(f"{type(exc).__name__}: {exc}")[:300]
            log.warning("agent run failed in %s: %s", actor.workspace_id, failure)
            answer = _failure_text(deps.turn)
        latency_ms = (perf_counter() - started) * 1000
        tokens_in, tokens_out, cost = _usage(trace)
        conversation.tokens_in += tokens_in
        conversation.tokens_out += tokens_out
        # Three independent reads/writes on different tables: one round trip instead of three.
        _, _, reply = await asyncio.gather(
            self.services.store.conversations.save(conversation),
            self._log(
                actor,
                conversation,
                route,
                trace,
                deps.turn,
                (tokens_in, tokens_out, cost),
                latency_ms,
                failure,
            ),
            self._reply(actor, route, trace, deps.turn, answer, failed=failure is not None),
        )
        self.meter.add(actor.workspace_id, tokens_in + tokens_out)
        return reply

    async def _budget(self, actor: Actor) -> Budget:
        workspace = await self.services.store.workspaces.get(actor.workspace_id)
        limit = (
            workspace.daily_token_budget if workspace and workspace.daily_token_budget is not None else None
        )
        if limit is None:
            limit = self.router.config.budget.daily_tokens
        used = await self.meter.used(actor.workspace_id) if limit is not None else 0
        return Budget(limit, used)

    async def _log(
        self,
        actor: Actor,
        conversation: Conversation,
        route: Route,
        trace: Trace,
        turn: TurnRecord,
        usage: tuple[int, int, float],
        latency_ms: float,
        failure: str | None,
    ) -> None:
        who = trace.answered[-1][0] if trace.answered else route.usual
        errors = [*turn.errors, *dict.fromkeys(f"{c.label}: {_reason(e)}" for c, e in trace.failed)]
        if failure:
            errors.append(failure)
        await self.services.store.agent_logs.add(
            AgentLog(
                workspace_id=actor.workspace_id,
                user_id=actor.user_id,
                conversation_id=conversation.id,
                provider=who.provider,
                model=who.model,
                task_type=route.task_type.value,
                input_tokens=usage[0],
                output_tokens=usage[1],
                cost_usd=usage[2],
                latency_ms=round(latency_ms, 3),
                tool_calls=list(turn.tool_calls),
                error=self.router.redact("; ".join(errors))[:1000] if errors else None,
            )
        )

    async def _reply(
        self, actor: Actor, route: Route, trace: Trace, turn: TurnRecord, answer: str, *, failed: bool
    ) -> Reply:
        notes = list(route.notes)
        who = trace.answered[-1][0] if trace.answered else None
        if who is not None and who != route.usual:
            reasons = dict.fromkeys(f"{c.label} failed ({_reason(e)})" for c, e in trace.failed)
            why = " and ".join(reasons) or f"{route.usual.label} was unavailable"
            name = "the offline assistant" if who.provider == OFFLINE else who.label
            notes.append(f"Answered by {name} because {why}.")
        if turn.queued:
            notes.append(
                "Reply `yes` to " + "; ".join(describe_op(op) for op in turn.queued) + ", or `no` to cancel."
            )
        kind = ReplyKind.info
        if failed:
            kind = ReplyKind.error
        elif turn.queued:
            kind = ReplyKind.confirm
        elif turn.mutated and not turn.errors:
            kind = ReplyKind.success
        tasks = list(turn.tasks.values())[:MAX_VIEWS]
        return Reply(
            answer,
            kind=kind,
            tasks=await task_views(self.services.store, actor.workspace_id, tasks),
            projects=[project_view(p) for p in turn.projects.values()],
            footer=" ".join(notes) or None,
            detail=detail_view(turn.details, actor.now()) if turn.details is not None else None,
            activity=activity_views(turn.activity),
        )

    async def _model_command(self, conversation: Conversation, arg: str | None) -> Reply:
        """`model` shows the routing; `model X` pins X for this conversation; `model auto` unpins."""
        if arg is None:
            usable = [s.name for s in self.router.statuses() if s.available]
            current = conversation.preferred_model or self.preference or "automatic routing by task type"
            providers = ", ".join(usable) if usable else "none (the offline assistant answers)"
            return Reply(f"This conversation uses {current}. Configured providers: {providers}.")
        if arg.strip().lower() in AUTO_WORDS:
            conversation.preferred_model = None
            await self.services.store.conversations.save(conversation)
            return Reply("Back to automatic model routing.", kind=ReplyKind.success)
        candidate, note = self.router.resolve_preference(arg)
        if candidate is None:
            return Reply(note or f"I can't use `{arg}`.", kind=ReplyKind.error)
        conversation.preferred_model = candidate.label
        await self.services.store.conversations.save(conversation)
        return Reply(
            f"This conversation now uses {candidate.label}; `model auto` goes back to automatic routing.",
            kind=ReplyKind.success,
        )


def _usage(trace: Trace) -> tuple[int, int, float]:
    """Tokens and cost of the LLM requests; the offline model's are free and don't count against budgets."""
    tokens_in = tokens_out = 0
    for candidate, usage in trace.answered:
        if candidate.provider == OFFLINE:
            continue
        tokens_in += usage.input_tokens
        tokens_out += usage.output_tokens
    return tokens_in, tokens_out, round(trace.cost_usd, 9)


def _failure_text(turn: TurnRecord) -> str:
    reason = turn.errors[-1].split(": ", 1)[-1] if turn.errors else "the model didn't give a usable answer"
    text = f"I couldn't finish that: {reason}"
    done = [name for name in turn.tool_calls if name not in ("list_tasks", "list_projects", "show_project")]
    if done and turn.tasks:
        text += " The tasks below show what changed before that."
    return text
