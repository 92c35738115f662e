"""Building pydantic-ai model objects from the providers file, with pydantic-ai's own provider classes.

Vendor SDKs are imported only when their provider is used, so a deployment with one key loads one SDK.
``http_client`` (an ``httpx.AsyncClient``, typed loosely because core never imports httpx) is handed to every
provider: tests and proxies inject their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic_ai.models import Model

from core.agent.config import ProviderKind, ProviderSpec
from core.errors import ConfigurationError

# OpenAI-compatible servers that need no key still get one: the client library insists on a value.
_NO_KEY = "not-needed"


def build_model(
    name: str, spec: ProviderSpec, model: str, environ: Mapping[str, str], http_client: Any = None
) -> Model:
    """The pydantic-ai model for ``model`` of provider ``name``; ConfigurationError when it can't be built."""
    key = spec.key(environ)
    url = spec.url(environ)
    if spec.kind is ProviderKind.anthropic:
        from pydantic_ai.models.anthropic import AnthropicModel
        from pydantic_ai.providers.anthropic import AnthropicProvider

        return AnthropicModel(
            model, provider=AnthropicProvider(api_key=key, base_url=url, http_client=http_client)
        )
    if spec.kind is ProviderKind.google:
        from pydantic_ai.models.google import GoogleModel
        from pydantic_ai.providers.google import GoogleProvider

        return GoogleModel(model, provider=GoogleProvider(api_key=key, base_url=url, http_client=http_client))
    from pydantic_ai.models.openai import OpenAIChatModel
    from pydantic_ai.providers.openai import OpenAIProvider

    if spec.kind is ProviderKind.openai_compatible and not url:
        raise ConfigurationError(
            f"Provider `{name}` needs a base URL.",
            hint=f"Set {spec.base_url_env} or `base_url` in the providers file."
            if spec.base_url_env
            else None,
        )
    # Chat Completions rather than the Responses API: it is what every compatible server speaks.
    provider = OpenAIProvider(base_url=url, api_key=key or _NO_KEY, http_client=http_client)
    return OpenAIChatModel(model, provider=provider)
