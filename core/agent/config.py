"""The providers file: providers with their models, key variables, local prices, routing rules and budgets.

The shipped default is ``core/agent/providers.yaml``; ``ORCHESTRATOR_PROVIDERS=/path/file.yaml`` replaces it.
Variable values (keys, base URLs) come from Settings, as a name → value mapping: the file names the variables,
never their values.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from enum import StrEnum
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from core.agent.classify import TaskType
from core.agent.pricing import FREE, ModelPrice
from core.errors import ConfigurationError

DEFAULT_PATH = Path(__file__).with_name("providers.yaml")


class ProviderKind(StrEnum):
    anthropic = "anthropic"
    openai = "openai"  # OpenAI itself (Chat Completions); honours base_url / base_url_env
    google = "google"  # Gemini API
    xai = "xai"  # xAI Grok through its own SDK (gRPC)
    ollama = "ollama"  # Ollama's OpenAI-compatible endpoint, with pydantic-ai's Ollama model profiles
    openai_compatible = "openai-compatible"  # vLLM, LM Studio, llama.cpp, …: needs a base URL

    @property
    def local(self) -> bool:
        """Served by the deployment itself: no price list knows it, so the file's prices count."""
        return self in (ProviderKind.ollama, ProviderKind.openai_compatible)


# genai-prices' provider ids for the cloud kinds (list prices when the file gives none).
GENAI_PROVIDER = {
    ProviderKind.anthropic: "anthropic",
    ProviderKind.openai: "openai",
    ProviderKind.google: "google",
    ProviderKind.xai: "x-ai",
}


class ProviderSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: ProviderKind
    label: str = ""
    key_env: str | None = None  # variable holding the API key; None for servers that need none
    base_url: str | None = None
    base_url_env: str | None = None  # overrides base_url when set
    requires_env: list[str] = Field(
        default_factory=list
    )  # also needed for the provider to count as available
    # Model name → price per million tokens. Cloud models may be listed without a price (a YAML list, or
    # `name: null`): genai-prices has the vendor's list price. Local models cost what the file says (0 by
    # default).
    models: dict[str, ModelPrice | None] = Field(min_length=1)

    @field_validator("models", mode="before")
    @classmethod
    def _names_only(cls, value: object) -> object:
        if isinstance(value, list):
            return dict.fromkeys(value)
        return value

    def price(self, model: str) -> ModelPrice | None:
        """The file's price for ``model``; None means "genai-prices' list price" (cloud kinds only)."""
        given = self.models.get(model)
        if given is None and self.kind.local:
            return FREE
        return given

    def variables(self) -> list[str]:
        """Every variable name this provider reads."""
        names = [self.key_env, self.base_url_env, *self.requires_env]
        return [n for n in names if n]

    def key(self, variables: Mapping[str, str]) -> str | None:
        """The API key from the settings' variables, or None."""
        return (variables.get(self.key_env) or None) if self.key_env else None

    def url(self, variables: Mapping[str, str]) -> str | None:
        """The base URL: the variable's value first, then the file's value."""
        return (variables.get(self.base_url_env) if self.base_url_env else None) or self.base_url

    def missing(self, variables: Mapping[str, str]) -> list[str]:
        """The variables that must still be set for this provider to be usable."""
        needed = ([self.key_env] if self.key_env else []) + self.requires_env
        return [name for name in needed if not variables.get(name)]


class BudgetSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    daily_tokens: int | None = Field(
        default=None, ge=0
    )  # per workspace; Workspace.daily_token_budget overrides
    cost_optimized_from: float = Field(default=0.8, gt=0, le=1)  # budget share after which cheap models route


class ProvidersConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    providers: dict[str, ProviderSpec]
    rules: dict[TaskType, list[str]]
    default_task_type: TaskType = TaskType.quick_tasks
    max_models: int = Field(default=3, ge=1)  # LLMs tried per message before the offline model answers
    # Requests the built-in parser reads without doubt ("done T-3", "what's overdue") cost no tokens.
    parser_first: bool = True
    sdk_retries: int = Field(default=1, ge=0)  # quick retries inside one provider before falling back
    timeout_seconds: float = Field(default=60.0, gt=0)  # per model request
    budget: BudgetSpec = Field(default_factory=BudgetSpec)

    @model_validator(mode="after")
    def _rules_name_known_models(self) -> ProvidersConfig:
        for task_type, entries in self.rules.items():
            for entry in entries:
                provider, model = split_entry(entry)
                spec = self.providers.get(provider)
                if spec is None:
                    raise ValueError(f"rule {task_type.value}: unknown provider `{provider}`")
                if model and model not in spec.models:
                    raise ValueError(f"rule {task_type.value}: provider `{provider}` has no model `{model}`")
        return self

    def variable_names(self) -> Iterator[str]:
        """Every variable the file's providers read (for Settings.lookup)."""
        for spec in self.providers.values():
            yield from spec.variables()

    def entry(self, entry: str) -> tuple[str, str]:
        """`provider` or `provider:model` → (provider, model), the provider's first model by default."""
        provider, model = split_entry(entry)
        return provider, model or next(iter(self.providers[provider].models))


def split_entry(entry: str) -> tuple[str, str]:
    """Split at the first colon only: Ollama model names contain colons (`llama3.1:8b`)."""
    provider, _, model = entry.strip().partition(":")
    return provider, model


def load_config(path: str | Path | None = None) -> ProvidersConfig:
    """Read and validate the providers file (``path``, else the shipped one)."""
    chosen = Path(path or DEFAULT_PATH)
    try:
        raw = yaml.safe_load(chosen.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigurationError(f"Can't read the providers file {chosen}: {exc.strerror}.") from None
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"The providers file {chosen} is not valid YAML: {exc}.") from None
    try:
        return ProvidersConfig.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'file'}: {e['msg']}" for e in exc.errors())
        raise ConfigurationError(f"The providers file {chosen} is invalid: {problems}.") from None
