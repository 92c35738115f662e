"""Three-way merge of one task, field by field, against the baseline both sides last agreed on.

A field changed on one side only flows to the other. Changed on both sides to different values is a conflict,
settled by the integration's policy: ``newest_wins`` (the side whose item changed last), ``local_wins`` or
``remote_wins``. A one-way sync settles every conflict in its own direction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from core.integrations import SYNCED_FIELDS
from core.models import ConflictPolicy
from core.sync.mapping import Baseline, fingerprint

Side = Literal["local", "remote"]
_SHOWN = 120  # characters of a value kept in a conflict record


@dataclass(frozen=True)
class Conflict:
    field: str
    local: Any
    remote: Any
    winner: Side


@dataclass
class MergeResult:
    to_local: set[str] = field(default_factory=set)  # fields to take from the remote item
    to_remote: set[str] = field(default_factory=set)  # fields to send to the tracker
    base: Baseline = field(default_factory=dict)  # the baseline after both writes succeed
    conflicts: list[Conflict] = field(default_factory=list)


def winner(policy: ConflictPolicy, local_time: datetime, remote_time: datetime | None) -> Side:
    """Who wins a conflict under ``policy``; ties and unknown remote times go to the local side."""
    if policy is ConflictPolicy.local_wins:
        return "local"
    if policy is ConflictPolicy.remote_wins:
        return "remote"
    return "remote" if remote_time is not None and remote_time > local_time else "local"


def shown(value: Any) -> Any:
    """A value as a conflict record keeps it (long text trimmed)."""
    if isinstance(value, str) and len(value) > _SHOWN:
        return value[: _SHOWN - 1] + "…"
    return value


def merge(
    base: Baseline | None,
    local: Mapping[str, Any],
    remote: Mapping[str, Any] | None,
    *,
    policy: ConflictPolicy,
    local_time: datetime,
    remote_time: datetime | None,
    can_pull: bool = True,
    can_push: bool = True,
) -> MergeResult:
    """Merge ``local`` and ``remote`` (``TaskFields.to_json()``; ``remote`` None = unchanged since base).

    With no baseline yet (a task adopted after a lost create) the remote item is taken as the baseline, so the
    local side's differences are pushed.
    """
    local_fp = fingerprint(local)
    remote_fp = fingerprint(remote) if remote is not None else None
    agreed: Baseline = dict(base) if base is not None else dict(remote_fp or local_fp)
    result = MergeResult(base=dict(agreed))
    for name in SYNCED_FIELDS:
        b = agreed.get(name)
        lv = local_fp[name]
        rv = remote_fp[name] if remote_fp is not None else b
        local_changed, remote_changed = lv != b, rv != b
        if not local_changed and not remote_changed:
            continue
        if local_changed and remote_changed:
            if lv == rv:  # both made the same change
                result.base[name] = lv
                continue
            side = winner(policy, local_time, remote_time)
            if not can_push:
                side = "remote"
            elif not can_pull:
                side = "local"
            remote_value = remote.get(name) if remote is not None else None
            result.conflicts.append(Conflict(name, shown(local.get(name)), shown(remote_value), side))
            _take(result, name, side, lv, rv)
        elif local_changed and can_push:
            _take(result, name, "local", lv, rv)
        elif remote_changed and can_pull:
            _take(result, name, "remote", lv, rv)
    return result


def _take(result: MergeResult, name: str, side: Side, local_fp: Any, remote_fp: Any) -> None:
    if side == "local":
        result.to_remote.add(name)
        result.base[name] = local_fp
    else:
        result.to_local.add(name)
        result.base[name] = remote_fp
