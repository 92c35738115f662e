"""Building pydantic-ai model objects from the providers file, with pydantic-ai's own provider classes.

Vendor SDKs are imported only when their provider is used, so a deployment with one key loads one SDK (each
is 20–40 MB of a process). ``http_client`` (an ``httpx.AsyncClient``, typed loosely because core never imports
httpx) is handed to every HTTP provider: tests and proxies inject their own. xAI speaks gRPC through its own
SDK, so it takes no HTTP client.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from core.agent.config import ProviderKind, ProviderSpec
from core.errors import ConfigurationError

if TYPE_CHECKING:
    from pydantic_ai.models import Model

# OpenAI-compatible servers that need no key still get one: the client library insists on a value.
_NO_KEY = "not-needed"


def build_model(
    name: str, spec: ProviderSpec, model: str, variables: Mapping[str, str], http_client: Any = None
) -> Model:
    """The pydantic-ai model for ``model`` of provider ``name``; ConfigurationError when it can't be built."""
    key = spec.key(variables)
    url = spec.url(variables)
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
    if spec.kind is ProviderKind.xai:
        from pydantic_ai.models.xai import XaiModel
        from pydantic_ai.providers.xai import XaiProvider

        # The SDK wants a host (api.x.ai), not a URL; without one it uses xAI's own.
        host = (urlsplit(url).netloc or url) if url else None
        return XaiModel(model, provider=XaiProvider(api_key=key, api_host=host))
    from pydantic_ai.models.openai import OpenAIChatModel

    if spec.kind is ProviderKind.ollama:
        from pydantic_ai.models.ollama import OllamaModel
        from pydantic_ai.providers.ollama import OllamaProvider

        if not url:
            raise _needs_url(name, spec)
        # OllamaProvider picks the model profile (tool-call and JSON quirks) from the model family.
        ollama = OllamaProvider(base_url=url, api_key=key or _NO_KEY, http_client=http_client)
        return OllamaModel(model, provider=ollama)
    from pydantic_ai.providers.openai import OpenAIProvider

    if spec.kind is ProviderKind.openai_compatible and not url:
        raise _needs_url(name, spec)
    # Chat Completions rather than the Responses API: it is what every compatible server speaks.
    provider = OpenAIProvider(base_url=url, api_key=key or _NO_KEY, http_client=http_client)
    return OpenAIChatModel(model, provider=provider)


def _needs_url(name: str, spec: ProviderSpec) -> ConfigurationError:
    return ConfigurationError(
        f"Provider `{name}` needs a base URL.",
        hint=f"Set {spec.base_url_env} or `base_url` in the providers file." if spec.base_url_env else None,
    )
