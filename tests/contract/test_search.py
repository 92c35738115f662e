"""``TaskRepo.search``: approximate, case-insensitive matching of title, description and tags; typo-tolerant;
best first with open tasks before closed ones of the same score band; deleted tasks and other workspaces
never."""

from __future__ import annotations

from core.models import TaskStatus, utcnow
from core.store import Store
from tests.contract.samples import OTHER, WS, task

TITLES = [
    "Send invoices to clients",
    "Receive parcel",
    "Review contract",
    "Book the band",
    "Print flyers",
]


async def _titles(store: Store, text: str, **options: object) -> list[str]:
    return [t.title for t in await store.tasks.search(WS, text, **options)]  # type: ignore[arg-type]


async def test_typos_still_find_the_task(store: Store) -> None:
    await store.tasks.create_many([task(title) for title in TITLES])
    assert await _titles(store, "invocies") == ["Send invoices to clients"]
    assert await _titles(store, "recieve") == ["Receive parcel"]
    assert await _titles(store, "contrcat") == ["Review contract"]
    assert await _titles(store, "flyres") == ["Print flyers"]


async def test_case_prefixes_and_whole_words(store: Store) -> None:
    await store.tasks.create_many([task(title) for title in TITLES])
    assert await _titles(store, "INVOICES") == ["Send invoices to clients"]
    assert await _titles(store, "invoice") == ["Send invoices to clients"]
    assert await _titles(store, "Band") == ["Book the band"]
    assert await _titles(store, "zebra") == []
    assert await _titles(store, "") == []
    assert await _titles(store, "  ?! ") == []


async def test_found_tasks_are_whole_rows(store: Store) -> None:
    [stored] = await store.tasks.create_many(
        [task("Send invoices", description="to every client", tags=["q3"])]
    )
    [found] = await store.tasks.search(WS, "invoices")
    assert found == stored


async def test_description_and_tags_match(store: Store) -> None:
    await store.tasks.create_many(
        [
            task("Call the bank", description="ask about the overdue invoices"),
            task("Quarter close", tags=["finance", "Invoices"]),
            task("Water plants"),
        ]
    )
    assert sorted(await _titles(store, "invoices")) == ["Call the bank", "Quarter close"]
    assert await _titles(store, "FINANCE") == ["Quarter close"]
    assert await _titles(store, "finanse") == ["Quarter close"]
    assert await _titles(store, "overdue") == ["Call the bank"]


async def test_the_title_beats_the_description(store: Store) -> None:
    await store.tasks.create_many(
        [
            task("Call the bank", description="about the budget"),
            task("Budget review"),
        ]
    )
    assert await _titles(store, "budget") == ["Budget review", "Call the bank"]


async def test_an_exact_word_beats_a_typo_and_all_words_beat_some(store: Store) -> None:
    await store.tasks.create_many(
        [task("Update the pricing pages"), task("Update the pricing page"), task("Update the blog")]
    )
    assert await _titles(store, "pricing page") == [
        "Update the pricing page",
        "Update the pricing pages",
    ]
    assert (await _titles(store, "update blog"))[0] == "Update the blog"


async def test_deleted_tasks_never_and_other_workspaces_never(store: Store) -> None:
    [gone, kept] = await store.tasks.create_many([task("Send invoices"), task("Send invoices again")])
    await store.tasks.update(WS, gone.id, {"deleted_at": utcnow()})
    await store.tasks.create(task("Send invoices", workspace_id=OTHER))
    found = await store.tasks.search(WS, "invoices")
    assert [t.id for t in found] == [kept.id]
    assert [t.workspace_id for t in await store.tasks.search(OTHER, "invoices")] == [OTHER]
    assert await store.tasks.search("nobody", "invoices") == []


async def test_open_before_closed_and_closed_left_out_on_request(store: Store) -> None:
    [done, _, _] = await store.tasks.create_many(
        [
            task("Renew insurance", status=TaskStatus.completed),
            task("Renew insurance", status=TaskStatus.in_progress),
            task("Renew passport", status=TaskStatus.cancelled),
        ]
    )
    found = await store.tasks.search(WS, "renew insurance")
    assert [(t.title, t.status) for t in found] == [
        ("Renew insurance", TaskStatus.in_progress),
        ("Renew insurance", TaskStatus.completed),
        ("Renew passport", TaskStatus.cancelled),
    ]
    assert [t.status for t in await store.tasks.search(WS, "renew", include_closed=False)] == [
        TaskStatus.in_progress
    ]
    assert done.id in {t.id for t in await store.tasks.search(WS, "insurance")}


async def test_limit_keeps_the_best(store: Store) -> None:
    await store.tasks.create_many([task(f"Invoice batch {n}") for n in range(1, 8)] + [task("Invoices")])
    found = await store.tasks.search(WS, "invoices", limit=3)
    assert len(found) == 3 and found[0].title == "Invoices"
    assert await store.tasks.search(WS, "invoices", limit=0) == []


async def test_unicode_folds_like_everywhere_else(store: Store) -> None:
    await store.tasks.create_many([task("Über cool release"), task("Straße sperren")])
    assert await _titles(store, "ÜBER") == ["Über cool release"]
    assert await _titles(store, "strasse") == ["Straße sperren"]


async def test_edits_deletes_and_restores_are_seen(store: Store) -> None:
    [first, second] = await store.tasks.create_many([task("Draft the budget"), task("Plan the offsite")])
    await store.tasks.update(WS, first.id, {"title": "Draft the roadmap", "tags": ["strategy"]})
    assert await _titles(store, "budget") == []
    assert await _titles(store, "roadmap") == ["Draft the roadmap"]
    assert await _titles(store, "strategy") == ["Draft the roadmap"]
    await store.tasks.update_many(
        WS, [(second.id, {"description": "book a venue"}), (first.id, {"tags": []})]
    )
    assert await _titles(store, "venue") == ["Plan the offsite"]
    assert await _titles(store, "strategy") == []
    await store.tasks.update(WS, second.id, {"deleted_at": utcnow()})
    assert await _titles(store, "venue") == []
    await store.tasks.update(WS, second.id, {"deleted_at": None})
    assert await _titles(store, "venue") == ["Plan the offsite"]


async def test_punctuation_underscores_and_quotes_in_text_and_query(store: Store) -> None:
    await store.tasks.create_many(
        [
            task("Invoices, receipts & co.", description='the "final" list'),
            task("snake_case rename"),
            task("Fix O'Brien's account"),
        ]
    )
    assert await _titles(store, "receipts") == ["Invoices, receipts & co."]
    assert await _titles(store, '"final"') == ["Invoices, receipts & co."]
    assert await _titles(store, "snake_case") == ["snake_case rename"]
    assert await _titles(store, "O'Brien") == ["Fix O'Brien's account"]
    assert await _titles(store, "OR") == []  # not an FTS operator


async def test_a_long_result_comes_back_whole(store: Store) -> None:
    await store.tasks.create_many([task(f"Invoice batch {n}") for n in range(1200)] + [task("Other")])
    found = await store.tasks.search(WS, "invoice", limit=5000)
    assert len(found) == 1200 and len({t.id for t in found}) == 1200
    assert [t.number for t in found] == list(range(1, 1201))  # equal scores: by number
