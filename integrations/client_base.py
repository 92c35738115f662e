"""What every vendor client shares: the VendorHTTP it owns and the container its ``prepare()`` loads."""

from __future__ import annotations

from typing import TypeVar

from core.errors import ConfigurationError
from integrations.http import VendorHTTP

T = TypeVar("T")


class VendorClient:
    """Base of the Motion, Linear, GitLab and Notion clients (each sets ``self._http`` in ``__init__``)."""

    _http: VendorHTTP

    def __repr__(self) -> str:
        # Never the key: only the class and where it talks to.
        return f"{type(self).__name__}({self._http.base_url!r})"

    @property
    def requests_sent(self) -> int:
        return self._http.requests_sent

    async def aclose(self) -> None:
        await self._http.aclose()

    @staticmethod
    def _loaded(value: T | None, what: str) -> T:
        """``value`` once ``prepare()`` has loaded it; a clear error before that."""
        if value is None:
            raise ConfigurationError(f"The {what} isn't loaded yet.", hint="Call prepare() first.")
        return value
