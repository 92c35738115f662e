"""Text search takes the user's text literally: ``%``, ``_`` and backslashes are characters, not wildcards;
case folds beyond ASCII."""

from __future__ import annotations

import pytest

from core.store import Store, TaskQuery
from tests.contract.samples import WS, task

TITLES = ["50% off", "500 items", "snake_case", "snakeXcase", "c:\\temp", "c:temp", "Über cool", "plain"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("50%", ["50% off"]),
        ("%", ["50% off"]),
        ("e_c", ["snake_case"]),
        ("_", ["snake_case"]),
        ("\\", ["c:\\temp"]),
        ("c:\\t", ["c:\\temp"]),
        ("über", ["Über cool"]),
        ("ÜBER", ["Über cool"]),
        ("'", []),
    ],
)
async def test_text_search_is_literal_and_case_insensitive(
    store: Store, text: str, expected: list[str]
) -> None:
    await store.tasks.create_many([task(title) for title in TITLES])
    page = await store.tasks.list(WS, TaskQuery(text=text, sort="number"))  # type: ignore[arg-type]
    assert [t.title for t in page.items] == expected
    assert page.total == len(expected)


async def test_text_search_looks_in_descriptions_too(store: Store) -> None:
    await store.tasks.create_many([task("a", description="costs 100%"), task("b", description="100 apples")])
    page = await store.tasks.list(WS, TaskQuery(text="0%"))
    assert [t.title for t in page.items] == ["a"]
