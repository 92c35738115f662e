"""Moving every row between two stores of any kind (``orchestrator db copy``)."""

from storage.transfer.copy import CopyReport, copy_store

__all__ = ["CopyReport", "copy_store"]
