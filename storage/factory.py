"""Build the configured ``Store`` from a storage URL (``ORCHESTRATOR_STORAGE_URL``)."""

from __future__ import annotations

import os
from urllib.parse import unquote, urlsplit

from core.errors import ConfigurationError
from core.store import Store

_OBJECT_STORES = frozenset({"s3", "s3a", "gs", "gcs", "abfs", "abfss", "az", "azure", "adl"})
_SQL_PREFIXES = ("sqlite", "postgresql", "postgres")


def open_store(
    url: str, *, storage_options: dict[str, str] | None = None, auto_maintain_files: int = 150
) -> Store:
    """A Store for ``url``: a folder, ``file://``, or an object-store URI (``s3://``, ``abfss://``, ``gs://``).

    ``storage_options`` go to delta-rs' object store (credentials, region, endpoint); environment variables
    such as ``AWS_ACCESS_KEY_ID`` work too. ``auto_maintain_files``: a Delta table past this many files is
    maintained in the background (0 turns it off). Tables are created by ``await store.open()``.
    """
    from storage.delta import DeltaStore  # deferred: importing deltalake is slow and SQL will not need it

    delta = {"auto_maintain_files": auto_maintain_files}
    text = url.strip()
    if not text:
        raise ConfigurationError(
            "The storage URL is empty.", hint="Set ORCHESTRATOR_STORAGE_URL to a folder such as ./data."
        )
    scheme = text.split(":", 1)[0].lower() if ":" in text else ""
    if scheme.startswith(_SQL_PREFIXES):
        raise ConfigurationError(
            f"SQL storage (`{scheme}`) is not available in this version yet.",
            hint="Use a folder (./data) or an s3://, abfss:// or gs:// URI for Delta Lake tables.",
        )
    if scheme == "file":
        parts = urlsplit(text)
        return DeltaStore(os.path.abspath(unquote(parts.netloc + parts.path)), storage_options, **delta)
    if "://" in text:
        if scheme not in _OBJECT_STORES:
            raise ConfigurationError(
                f"I don't know how to store data at `{scheme}://` URLs.",
                hint="Use a folder, file://, s3://, abfss:// or gs://.",
            )
        return DeltaStore(text, storage_options, **delta)
    return DeltaStore(os.path.abspath(os.path.expanduser(text)), storage_options, **delta)
