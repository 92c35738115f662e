"""Naming projects, people and tasks the way people type them (pure matching, no store)."""

from __future__ import annotations

import pytest

from core.understanding.names import fold, is_confident, match_people, match_projects, match_tasks
from core.understanding.vocabulary import PersonName, ProjectName, TaskTitle

PROJECTS = (
    ProjectName("P-1", "Website relaunch"),
    ProjectName("P-2", "Launch"),
    ProjectName("P-3", "Webinar series"),
    ProjectName("P-4", "Marketing"),
    ProjectName("P-5", "Q3 Planning"),
)
PEOPLE = (
    PersonName("u-sam", "sam", display_name="Sam Park", slack_user_id="U0SAM"),
    PersonName("u-maria", "maria", display_name="María López", discord_user_id="123456789"),
    PersonName("u-bob", "bob"),
    PersonName("u-samira", "samira", display_name="Samira Okafor"),
)
TASKS = (
    TaskTitle(1, "Slides for the board meeting"),
    TaskTitle(2, "Update pricing page"),
    TaskTitle(3, "Write blog post"),
    TaskTitle(4, "Publish blog post about hiring"),
    TaskTitle(5, "Send invoices to clients"),
    TaskTitle(6, "Renew the insurance"),
    TaskTitle(7, "Book the band"),
)


def names(found: list[ProjectName]) -> list[str]:
    return [p.name for p in found]


@pytest.mark.parametrize(
    "typed",
    [
        "website",
        "Website",
        "website-relaunch",
        "Website Relaunch",
        "#website",
        "WEBSITE RELAUNCH",
        "relaunch",
        "website relaunch",
    ],
)
def test_project_names_as_typed(typed: str) -> None:
    assert names(match_projects(typed, PROJECTS)) == ["Website relaunch"]


def test_exact_name_beats_a_word_inside_another_name() -> None:
    assert names(match_projects("launch", PROJECTS)) == ["Launch"]
    assert names(match_projects("#Launch", PROJECTS)) == ["Launch"]


def test_a_prefix_shared_by_two_projects_is_ambiguous() -> None:
    assert names(match_projects("web", PROJECTS)) == ["Website relaunch", "Webinar series"]


def test_project_by_ref_prefix_and_word() -> None:
    assert names(match_projects("P-3", PROJECTS)) == ["Webinar series"]
    assert names(match_projects("P-9", PROJECTS)) == []
    assert names(match_projects("mark", PROJECTS)) == ["Marketing"]
    assert names(match_projects("planning", PROJECTS)) == ["Q3 Planning"]
    assert names(match_projects("q3-planning", PROJECTS)) == ["Q3 Planning"]


@pytest.mark.parametrize("typed", ["", "#", "the", "we", "w", "sales", "it"])
def test_words_that_name_no_project(typed: str) -> None:
    assert match_projects(typed, PROJECTS) == []


def test_accents_and_case_do_not_matter_for_projects() -> None:
    projects = (ProjectName("P-1", "Café opening"),)
    assert names(match_projects("cafe opening", projects)) == ["Café opening"]
    assert names(match_projects("CAFÉ", projects)) == ["Café opening"]


@pytest.mark.parametrize(
    ("typed", "who"),
    [
        ("sam", "u-sam"),
        ("@sam", "u-sam"),
        ("Sam Park", "u-sam"),
        ("park", "u-sam"),
        ("María", "u-maria"),
        ("maria", "u-maria"),
        ("lopez", "u-maria"),
        ("<@U0SAM>", "u-sam"),
        ("<@123456789>", "u-maria"),
        ("me", "u-bob"),
        ("myself", "u-bob"),
        ("Bob", "u-bob"),
        ("okafor", "u-samira"),
    ],
)
def test_people_as_typed(typed: str, who: str) -> None:
    assert [p.id for p in match_people(typed, PEOPLE, me="u-bob")] == [who]


def test_a_whole_first_name_beats_the_start_of_another() -> None:
    # "sam" is Sam's first name and the start of "samira": the whole word wins.
    assert [p.id for p in match_people("sam", PEOPLE)] == ["u-sam"]
    assert [p.id for p in match_people("sami", PEOPLE)] == ["u-samira"]


def test_people_nobody_is_called() -> None:
    assert match_people("alice", PEOPLE) == []
    assert match_people("<@U0NOPE>", PEOPLE) == []
    assert match_people("me", PEOPLE) == []  # who "me" is was not said
    assert match_people("", PEOPLE) == []


def test_two_people_sharing_a_first_name_are_ambiguous() -> None:
    people = (PersonName("a", "alex.kim", "Alex Kim"), PersonName("b", "alex.ng", "Alex Ng"))
    assert {p.id for p in match_people("alex", people)} == {"a", "b"}
    assert [p.id for p in match_people("Alex Ng", people)] == ["b"]


def best(typed: str, tasks: tuple[TaskTitle, ...] = TASKS) -> int | None:
    scored = match_tasks(typed, tasks)
    return scored[0][0].number if is_confident(scored) else None


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("the slides", 1),
        ("board slides", 1),
        ("pricing task", 2),
        ("the pricing one", 2),
        ("invocies", 5),  # letters swapped
        ("the invoice", 5),  # singular
        ("insurance", 6),
        ("the band", 7),
        ("T-3", 3),
        ("4", 4),
        ("Write blog post", 3),
        ("the hiring blog post", 4),
    ],
)
def test_tasks_named_by_title(typed: str, number: int) -> None:
    assert best(typed) == number


def test_two_close_titles_are_a_question_not_an_answer() -> None:
    scored = match_tasks("the blog post", TASKS)
    assert [t.number for t, _ in scored[:2]] == [3, 4]
    assert not is_confident(scored)


@pytest.mark.parametrize(
    "typed", ["it", "that", "the task", "this one", "the thing", "", "a", "quarterly taxes"]
)
def test_generic_or_unknown_words_name_no_task(typed: str) -> None:
    assert match_tasks(typed, TASKS) == []


def test_short_words_need_to_be_exact() -> None:
    # "host" is one letter off "post", but four-letter words must match exactly.
    assert match_tasks("host", TASKS) == []


def test_scores_are_best_first_and_limited() -> None:
    tasks = tuple(TaskTitle(n, f"Review contract {n}") for n in range(1, 20))
    scored = match_tasks("review contract", tasks, limit=3)
    assert len(scored) == 3
    assert [s for _, s in scored] == sorted((s for _, s in scored), reverse=True)
    assert all(0 <= s <= 100 for _, s in scored)
    assert not is_confident(scored)


def test_a_ref_not_among_the_open_tasks_matches_nothing() -> None:
    assert match_tasks("T-99", TASKS) == []


def test_is_confident() -> None:
    one = TASKS[0]
    other = TASKS[1]
    assert not is_confident([])
    assert is_confident([(one, 90.0)])
    assert not is_confident([(one, 60.0)])  # loosely like one title: ask "did you mean?"
    assert is_confident([(one, 95.0), (other, 80.0)])
    assert not is_confident([(one, 95.0), (other, 92.0)])


def test_fold() -> None:
    assert fold("María's  Café-Opening!") == "marias cafe opening"
