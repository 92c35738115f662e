"""Per-workspace high-water marks of short numbers (T-n, P-n), valid as of one table version.

A create computes ``max + 1`` against the snapshot it commits on; the append is made with commit retries off,
so if another writer committed first the append fails and the numbers are recomputed. This cache only saves
the ``max`` scan while this process is the table's sole writer.
"""

from __future__ import annotations

from collections.abc import Mapping


class NumberCache:
    """Highest number per workspace as of ``version``; anything seen at another version is forgotten."""

    def __init__(self) -> None:
        self._version = -1
        self._max: dict[str, int] = {}

    def get(self, workspace_id: str, version: int) -> int | None:
        if version != self._version:
            self._version, self._max = version, {}
        return self._max.get(workspace_id)

    def put(self, workspace_id: str, version: int, highest: int) -> None:
        if version != self._version:
            self._version, self._max = version, {}
        self._max[workspace_id] = highest

    def committed(self, before: int, after: int, highest: Mapping[str, int] | None = None) -> None:
        """Our own commit moved the table from ``before`` to ``after``.

        Entries stay valid only if nobody else committed in between (``after == before + 1``), since our
        commit changed nothing but the given workspaces' maxima.
        """
        if self._version == before and after == before + 1:
            self._version = after
            self._max.update(highest or {})
        else:
            self._version, self._max = after, {}
            if after == before + 1:
                self._max.update(highest or {})

    def clear(self) -> None:
        self._version, self._max = -1, {}
