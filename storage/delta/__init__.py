"""Delta Lake storage (deltalake / delta-rs): the default backend."""

from storage.delta.store import DeltaStore

__all__ = ["DeltaStore"]
