"""What every vendor client shares: the VendorHTTP it owns and the container its ``prepare()`` loads."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from core.errors import ConfigurationError, OrchestratorError
from core.integrations import RemoteContainer
from integrations.http import OutcomeUnknown, VendorHTTP

T = TypeVar("T")
CREATE_ATTEMPTS = 4


class VendorClient:
    """Base of the Motion, Linear, GitLab and Notion clients (each sets ``self._http`` in ``__init__``)."""

    _http: VendorHTTP
    structure: frozenset[str] = frozenset()  # which of parent / blocked_by the tracker keeps (default none)

    def __repr__(self) -> str:
        # Never the key: only the class and where it talks to.
        return f"{type(self).__name__}({self._http.base_url!r})"

    @property
    def requests_sent(self) -> int:
        return self._http.requests_sent

    async def aclose(self) -> None:
        await self._http.aclose()

    async def list_containers(self) -> list[RemoteContainer]:
        """The tracker's containers (projects, milestones, ...); each client lists its own."""
        raise NotImplementedError

    async def _container_named(self, name: str) -> RemoteContainer | None:
        """The container called ``name`` (any case): how a create whose answer was lost is found."""
        return next((c for c in await self.list_containers() if c.name.lower() == name.lower()), None)

    @staticmethod
    def _loaded(value: T | None, what: str) -> T:
        """``value`` once ``prepare()`` has loaded it; a clear error before that."""
        if value is None:
            raise ConfigurationError(f"The {what} isn't loaded yet.", hint="Call prepare() first.")
        return value

    async def _create(
        self,
        what: str,
        send: Callable[[], Awaitable[T]],
        find: Callable[[], Awaitable[T | None]],
        *,
        taken: tuple[type[OrchestratorError], ...] = (),
    ) -> T:
        """Create with ``send``, never twice: when the outcome is unknown, ``find`` it before sending again.

        A POST whose answer was lost may have been applied, so a blind resend could make a twin. ``taken``
        names errors that may mean an earlier attempt already made it (Linear's "id already used"): then
        what ``find`` returns is the result, and without one the error stands.
        """
        for _ in range(CREATE_ATTEMPTS):
            try:
                return await send()
            except OutcomeUnknown:
                pass
            except taken:
                found = await find()
                if found is None:
                    raise
                return found
            found = await find()
            if found is not None:
                return found
        raise OutcomeUnknown(
            f"{self._http.vendor} didn't confirm creating the {what}.", hint="The next sync will retry."
        )
