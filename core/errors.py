"""The project's exception tree. Every message is written for a chat user to read and act on."""

from __future__ import annotations


class OrchestratorError(Exception):
    """Base of every error the project raises on purpose; ``str(err)`` is safe to show in a chat."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}" if self.hint else self.message


class ValidationError(OrchestratorError):
    """The input was understood but is not acceptable (empty title, bad date, …)."""


class NotFoundError(OrchestratorError):
    """A referenced task, project or user does not exist in this workspace."""


class PermissionDenied(OrchestratorError):
    """The acting user may not do this."""


class ConflictError(OrchestratorError):
    """A concurrent change won; the caller may retry."""


class StorageError(OrchestratorError):
    """The store could not complete an operation."""


class ConfigurationError(OrchestratorError):
    """Settings are missing or wrong."""


class NothingToUndo(OrchestratorError):
    """There is no change of this user left to undo."""


class IntegrationError(OrchestratorError):
    """An external tool (Motion, Linear, …) failed, was unreachable or refused a request."""


class IntegrationAuthError(IntegrationError):
    """The external tool rejected the stored credentials."""
