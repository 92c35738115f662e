"""Where the credentials key comes from: ``ORCHESTRATOR_SECRET_KEY``, else a key file only its owner can read.

Without either, commands that store credentials generate the file and say where it is; commands that only read
credentials (serve's scheduled syncs) never create one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from core.settings import Settings

if TYPE_CHECKING:  # cryptography (~8 MB) loads only where a key exists or is made
    from core.secrets import SecretBox


def key_file_path(settings: Settings) -> Path:
    """``ORCHESTRATOR_SECRET_KEY_FILE``, else ``$XDG_CONFIG_HOME/orchestrator/secret.key`` (``~/.config``)."""
    if settings.secret_key_file:
        return Path(settings.secret_key_file).expanduser()
    config = Path(settings.config_home).expanduser() if settings.config_home else Path.home() / ".config"
    return config / "orchestrator" / "secret.key"


def secret_box(
    settings: Settings, *, create: bool, say: Callable[[str], None] | None = None
) -> SecretBox | None:
    """The SecretBox for stored credentials; None when there is no key and ``create`` is false."""
    path = key_file_path(settings)
    given = settings.secret_key.get_secret_value().strip() if settings.secret_key is not None else ""
    if not given and not path.exists() and not create:
        return None
    from core.secrets import SecretBox, read_or_create_key_file

    if given:
        return SecretBox(given)
    key, created = read_or_create_key_file(path)
    if created and say is not None:
        say(
            f"Generated a secret key in {path} (readable only by you). Stored credentials can't be read "
            "without it: back it up, or set ORCHESTRATOR_SECRET_KEY instead."
        )
    return SecretBox(key)
