"""The providers file: providers with their models, prices and key variables, routing rules and budgets.

The shipped default is ``core/agent/providers.yaml``; ``ORCHESTRATOR_PROVIDERS=/path/file.yaml`` replaces it.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from core.agent.classify import TaskType
from core.agent.pricing import ModelPrice
from core.errors import ConfigurationError

DEFAULT_PATH = Path(__file__).with_name("providers.yaml")
PATH_ENV = "ORCHESTRATOR_PROVIDERS"


class ProviderKind(StrEnum):
    anthropic = "anthropic"
    openai = "openai"  # OpenAI itself (Chat Completions); honours base_url / base_url_env
    google = "google"  # Gemini API
    openai_compatible = "openai-compatible"  # xAI Grok, Ollama, vLLM, LM Studio, …: needs a base URL


class ProviderSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: ProviderKind
    label: str = ""
    key_env: str | None = None  # env var holding the API key; None for servers that need none
    base_url: str | None = None
    base_url_env: str | None = None  # overrides base_url when set
    requires_env: list[str] = Field(
        default_factory=list
    )  # also needed for the provider to count as available
    models: dict[str, ModelPrice] = Field(min_length=1)

    def key(self, environ: Mapping[str, str]) -> str | None:
        """The API key from the environment, or None."""
        return (environ.get(self.key_env) or None) if self.key_env else None

    def url(self, environ: Mapping[str, str]) -> str | None:
        """The base URL: the env override first, then the file's value."""
        return (environ.get(self.base_url_env) if self.base_url_env else None) or self.base_url

    def missing(self, environ: Mapping[str, str]) -> list[str]:
        """The environment variables that must still be set for this provider to be usable."""
        needed = ([self.key_env] if self.key_env else []) + self.requires_env
        return [name for name in needed if not environ.get(name)]


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

    def entry(self, entry: str) -> tuple[str, str]:
        """`provider` or `provider:model` → (provider, model), the provider's first model by default."""
        provider, model = split_entry(entry)
        return provider, model or next(iter(self.providers[provider].models))


def split_entry(entry: str) -> tuple[str, str]:
    """Split at the first colon only: Ollama model names contain colons (`llama3.1:8b`)."""
    provider, _, model = entry.strip().partition(":")
    return provider, model


def load_config(path: str | Path | None = None, environ: Mapping[str, str] | None = None) -> ProvidersConfig:
    """Read and validate the providers file (``path``, else $ORCHESTRATOR_PROVIDERS, else the shipped one)."""
    chosen = Path(path or (environ or {}).get(PATH_ENV) or DEFAULT_PATH)
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
