"""Provider routing: task type → rule → the available models in order, then the offline model.

The chain is a pydantic-ai ``FallbackModel`` (core/agent/chain.py); each member is wrapped so the responder
learns which answered.
An explicit preference (``--model``, ``model …``) goes first; a spent daily budget routes to the offline
model.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from core.agent.classify import TaskType, classify
from core.agent.config import ProvidersConfig, ProviderSpec, load_config, split_entry
from core.agent.pricing import FREE, ModelPrice
from core.agent.providers import build_model
from core.errors import ConfigurationError
from core.settings import Settings

if TYPE_CHECKING:  # pydantic-ai (~25 MB) loads with the first agent run, not with the process
    from pydantic_ai.models import Model
    from pydantic_ai.usage import RequestUsage

OFFLINE = "offline"
ModelBuilder = Callable[[str, ProviderSpec, str, Mapping[str, str], Any], "Model"]
AUTO_WORDS = frozenset({"", "auto", "default", "none", "reset"})


@dataclass(frozen=True)
class Candidate:
    """One model the router may use."""

    provider: str
    model: str
    price: ModelPrice | None = FREE  # None: genai-prices' list price of the answering response

    @property
    def label(self) -> str:
        return OFFLINE if self.provider == OFFLINE else f"{self.provider}:{self.model}"


OFFLINE_CANDIDATE = Candidate(OFFLINE, OFFLINE)


@dataclass(frozen=True)
class ProviderStatus:
    name: str
    spec: ProviderSpec
    missing: list[str]

    @property
    def available(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class Budget:
    """A workspace's daily token budget and what it used today; ``limit`` None means no limit."""

    limit: int | None
    used: int

    @property
    def exhausted(self) -> bool:
        return self.limit is not None and self.used >= self.limit

    def share(self) -> float:
        return self.used / self.limit if self.limit else 0.0


@dataclass
class Route:
    """The models for one message, in order (the offline model always last)."""

    task_type: TaskType
    candidates: list[Candidate]
    notes: list[str] = field(default_factory=list)

    @property
    def usual(self) -> Candidate:
        return self.candidates[0]


@dataclass
class Trace:
    """Per model request of a run: which chain member answered (with its usage) or failed (with the error)."""

    answered: list[tuple[Candidate, RequestUsage]] = field(default_factory=list)
    failed: list[tuple[Candidate, Exception]] = field(default_factory=list)
    cost_usd: float = 0.0  # the LLM requests' estimated cost (the offline model is free)


class Router:
    """Chooses models per message; built once per process from the providers file and the settings."""

    def __init__(
        self,
        config: ProvidersConfig,
        variables: Mapping[str, str],
        http_client: Any = None,
        *,
        builder: ModelBuilder = build_model,
    ) -> None:
        self.config = config
        self._variables = dict(variables)  # variable name → value (keys, base URLs), never logged
        self._http_client = http_client
        self._build = builder  # tests swap in scripted models here

    @classmethod
    def from_settings(cls, settings: Settings, http_client: Any = None) -> Router:
        """The router for this process: the settings' providers file (or the shipped one) and variables."""
        config = load_config(settings.providers.path)
        variables = settings.lookup(config.variable_names()).providers.variables()
        return cls(config, variables, http_client)

    @classmethod
    def from_variables(
        cls, variables: Mapping[str, str], path: str | None = None, http_client: Any = None
    ) -> Router:
        """A router over explicit variables (benchmarks and tests): ``{"OPENAI_API_KEY": …}``."""
        return cls(load_config(path), variables, http_client)

    def statuses(self) -> list[ProviderStatus]:
        """Every provider of the file and what it still needs (never the key values)."""
        return [ProviderStatus(n, s, s.missing(self._variables)) for n, s in self.config.providers.items()]

    def available(self, provider: str) -> bool:
        spec = self.config.providers.get(provider)
        return spec is not None and not spec.missing(self._variables)

    def candidate(self, provider: str, model: str) -> Candidate:
        return Candidate(provider, model, self.config.providers[provider].price(model))

    def rule(self, task_type: TaskType) -> list[Candidate]:
        """The rule's entries, available or not."""
        return [self.candidate(*self.config.entry(e)) for e in self.config.rules.get(task_type, [])]

    def resolve_preference(self, text: str) -> tuple[Candidate | None, str | None]:
        """A preference (`offline`, `anthropic`, `openai:gpt-4.1`, `gpt-4.1`) → candidate, or why not."""
        wanted = text.strip()
        if wanted.lower() == OFFLINE:
            return OFFLINE_CANDIDATE, None
        provider, model = split_entry(wanted)
        if provider not in self.config.providers:
            matches = [(p, m) for p, s in self.config.providers.items() for m in s.models if m == wanted]
            if not matches:
                return None, f"I don't know the model `{wanted}`; `orchestrator models` lists them."
            provider, model = matches[0]
        spec = self.config.providers[provider]
        if model and model not in spec.models:
            return None, f"Provider `{provider}` has no model `{model}`; it has: {', '.join(spec.models)}."
        if not self.available(provider):
            missing = ", ".join(spec.missing(self._variables))
            return None, f"`{provider}` isn't configured (set {missing}), so I used the usual model."
        return self.candidate(provider, model or next(iter(spec.models))), None

    def route(self, text: str, *, preference: str | None = None, budget: Budget | None = None) -> Route:
        """The models for ``text``: preference, then the rule's available models, then offline."""
        task_type = classify(text)
        notes: list[str] = []
        if budget is not None and budget.exhausted:
            notes.append(
                f"This workspace has used today's token budget ({budget.limit:,} tokens), so the offline "
                "assistant answered; the LLM is back tomorrow (UTC)."
            )
            return Route(task_type, [OFFLINE_CANDIDATE], notes)
        if budget is not None and budget.limit and budget.share() >= self.config.budget.cost_optimized_from:
            task_type = TaskType.cost_optimized
        chain: list[Candidate] = []
        if preference and preference.strip().lower() not in AUTO_WORDS:
            preferred, note = self.resolve_preference(preference)
            if preferred is OFFLINE_CANDIDATE:
                return Route(task_type, [OFFLINE_CANDIDATE], notes)
            if preferred is not None:
                chain.append(preferred)
            if note:
                notes.append(note)
        for c in self.rule(task_type) or self.rule(self.config.default_task_type):
            if self.available(c.provider) and c not in chain:
                chain.append(c)
        return Route(task_type, [*chain[: self.config.max_models], OFFLINE_CANDIDATE], notes)

    def build(self, route: Route, offline: Model) -> tuple[Model, Trace]:
        """The model to run, and the Trace that will say which member answered each request."""
        from core.agent.chain import Tagged, chain

        trace = Trace()
        members: list[Model] = []
        for c in route.candidates:
            if c.provider == OFFLINE:
                members.append(Tagged(offline, c, trace))
                continue
            spec = self.config.providers[c.provider]
            try:
                model = self._build(c.provider, spec, c.model, self._variables, self._http_client)
            except ConfigurationError as exc:
                route.notes.append(f"Skipped {c.label}: {exc}")
                continue
            members.append(Tagged(model, c, trace))
        return chain(members), trace

    def redact(self, text: str) -> str:
        """``text`` with every configured API key replaced, for logs and error rows."""
        for spec in self.config.providers.values():
            key = spec.key(self._variables)
            if key and len(key) >= 4:
                text = text.replace(key, "***")
        return text
