"""Credentials encrypted at rest with Fernet (AES-128-CBC + HMAC), key from ``ORCHESTRATOR_SECRET_KEY``.

``cryptography`` is a pure crypto library, so core may use it (DESIGN §1). Where the key comes from (the
environment or a key file the CLI creates) is decided by the composition root in ``bot/``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from core.errors import ConfigurationError


class SecretBox:
    """Encrypts and decrypts credential dicts; never logs, prints or repr()s the key or the values."""

    def __init__(self, key: str | bytes) -> None:
        try:
            self._fernet = Fernet(key.encode() if isinstance(key, str) else key)
        except (ValueError, TypeError):
            raise ConfigurationError(
                "ORCHESTRATOR_SECRET_KEY is not a valid key.",
                hint="Generate one with `python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'`.",
            ) from None

    def __repr__(self) -> str:
        return "SecretBox(***)"

    @staticmethod
    def generate_key() -> str:
        return Fernet.generate_key().decode()

    def encrypt(self, credentials: dict[str, str]) -> str:
        """A Fernet token (text) for the credentials dict."""
        return self._fernet.encrypt(json.dumps(credentials, sort_keys=True).encode()).decode()

    def decrypt(self, token: str) -> dict[str, str]:
        """The credentials dict; ConfigurationError when the key is not the one that encrypted them."""
        try:
            data = json.loads(self._fernet.decrypt(token.encode()))
        except (InvalidToken, ValueError):
            raise ConfigurationError(
                "The stored credentials can't be decrypted with this secret key.",
                hint="Use the ORCHESTRATOR_SECRET_KEY they were saved with, or add the integration again.",
            ) from None
        return {str(k): str(v) for k, v in data.items()}


def read_or_create_key_file(path: Path) -> tuple[str, bool]:
    """The key in ``path``, generated (mode 0600, owner only) when absent. Returns (key, created)."""
    if path.exists():
        return path.read_text().strip(), False
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = SecretBox.generate_key()
    # O_EXCL: two processes racing to create the file must not overwrite each other's key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip(), False
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    os.chmod(path, 0o600)  # the umask may have narrowed it further; never wider
    return key, True
