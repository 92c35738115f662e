"""The one place that reads task references, project references and mentions out of text.

Every surface hands the core neutral text: adapters turn their platform's mention syntax (Slack
``<@U123|bob>``, Discord ``<@!123>``) into the neutral token ``<@ID>`` (see ``mention_token``), and plain
``@name`` stays as typed. The grammar, the offline model, the agent's tools, the resolver and the adapters'
autocomplete all read references through the functions here, so they agree on what ``T-0`` or ``#3`` is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A task reference: `T-3`, `t3`, `T 3` is not one; a bare `3` is; `#3` is where a task is expected.
_TASK = r"(?:[tT]-?|#)?(?P<n>\d{1,9})"
TASK_REF_PATTERN = r"(?:[tT]-?\d{1,9}|#\d{1,9})"  # for grammars that embed it (a ref that says it is one)
_TASK_RE = re.compile(rf"^\s*{_TASK}\s*$")
_TASK_PREFIX_RE = re.compile(r"^\s*(?:[tT]-?)?(?P<n>\d*)\s*$")  # what autocomplete sees while typing
_PROJECT_RE = re.compile(r"^\s*[pP]-(?P<n>\d{1,9})\s*$")
# The neutral mention: `<@ID>` where ID is the platform's user id (Slack `U…`/`W…`, Discord digits).
_MENTION_RE = re.compile(r"^<@(?P<id>[A-Za-z0-9]+)>$")
_ANY_MENTION_RE = re.compile(r"<@(?P<id>[A-Za-z0-9]+)>")
MENTION_PATTERN = r"<@[A-Za-z0-9]+>"  # for grammars that embed it
_AT_NAME_RE = re.compile(r"(?<![\w<])@(?P<name>[\w.\-]+)")
_ANY_TASK_RE = re.compile(rf"(?<![\w-]){TASK_REF_PATTERN}(?!\w)")
ME_WORDS = frozenset({"me", "mine", "myself", "i"})


def task_number(text: str | int) -> int | None:
    """The number in ``T-3``, ``t3``, ``3`` or ``#3``; None for anything else, including ``T-0``."""
    if isinstance(text, int):
        return text if text > 0 else None
    match = _TASK_RE.match(text)
    if match is None or int(match["n"]) == 0:
        return None
    return int(match["n"])


def ref_parts(text: str) -> list[str]:
    """``T-3, T-4 and 5`` → ``["T-3", "T-4", "5"]``: the pieces a list of task references is made of."""
    return [p for p in re.split(r"[,;\s]+|\band\b|&", text) if p.strip()]


def task_numbers(text: str) -> list[int] | None:
    """``T-3, T-4 and 5`` → ``[3, 4, 5]``; None when any part is not a task reference, [] when empty."""
    numbers = [task_number(p) for p in ref_parts(text)]
    if any(n is None for n in numbers):
        return None
    return [n for n in numbers if n is not None]


def find_task_numbers(text: str) -> list[int]:
    """Every task reference that says it is one (``T-3``, ``#3``) inside free text, in order."""
    found = (task_number(m[0]) for m in _ANY_TASK_RE.finditer(text))
    return [n for n in found if n is not None]


def task_prefix(text: str) -> str | None:
    """The digits typed so far of a task reference (``T-1`` → ``1``, ``t`` → ``""``); None for other text."""
    match = _TASK_PREFIX_RE.match(text)
    return match["n"] if match is not None else None


def format_task(number: int) -> str:
    """``3`` → ``T-3``."""
    return f"T-{number}"


def format_tasks(numbers: list[int] | tuple[int, ...]) -> str:
    """``[3, 4]`` → ``T-3, T-4``."""
    return ", ".join(format_task(n) for n in numbers)


def project_number(text: str) -> int | None:
    """The number in ``P-2``; None for a project name."""
    match = _PROJECT_RE.match(text)
    return int(match["n"]) if match is not None else None


@dataclass(frozen=True, slots=True)
class Mention:
    """A person named in text: by platform id (``<@ID>``), by name (``@sam``/``sam``), or the speaker."""

    platform_id: str | None = None
    name: str | None = None
    me: bool = False


def mention_token(platform_user_id: str) -> str:
    """The neutral token adapters write for a platform mention."""
    return f"<@{platform_user_id}>"


def is_mention_token(text: str) -> bool:
    """True for the neutral ``<@ID>`` token."""
    return _MENTION_RE.match(text) is not None


def mentioned_ids(text: str) -> tuple[str, ...]:
    """Platform ids of every neutral mention in ``text``, in order, once each."""
    return tuple(dict.fromkeys(m["id"] for m in _ANY_MENTION_RE.finditer(text)))


def find_person(text: str) -> str | None:
    """The first person named in free text: a neutral mention token as written, or an ``@name``'s name."""
    if match := _ANY_MENTION_RE.search(text):
        return match[0]
    if match := _AT_NAME_RE.search(text):
        return match["name"]
    return None


def parse_person(text: str) -> Mention | None:
    """``<@U123>`` / ``@sam`` / ``sam`` / ``me`` → a Mention; None for empty text."""
    stripped = text.strip()
    if match := _MENTION_RE.match(stripped):
        return Mention(platform_id=match["id"])
    name = stripped.lstrip("@")
    if not name:
        return None
    if name.lower() in ME_WORDS:
        return Mention(me=True)
    return Mention(name=name)


def is_discord_id(platform_id: str) -> bool:
    """Discord ids are snowflakes (digits); Slack ids start with a letter (``U…``, ``W…``)."""
    return platform_id.isdigit()
