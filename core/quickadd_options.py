"""The option scanner shared by `add`, `edit` and `project add`: due phrases, priorities, #project,
@assignee, +tag/-tag, and the title or name words left over."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from core.dates import Due, parse_due
from core.errors import ValidationError
from core.models import Priority
from core.quickadd_commands import QuickAddError
from core.quickadd_tokens import PRIORITY_WORDS, Kind, Token, assignee_of, classify
from core.recurrence import is_none, is_rule_word, parse_rule
from core.services.validation import MAX_TAGS, MAX_TITLE, check_tag

_CLEAR_WORDS = {"none", "clear", "-"}
_REPEAT_WORD = "every"
_TRAILING = frozenset({"on", "the", "at", "and", "of"})  # "every day the logs": "the" is the title's


@dataclass
class Options:
    """What the option scanner found in an add/edit/project-add command."""

    words: list[Token] = field(default_factory=list)
    due: Due | None = None  # resolved once, at the turn's moment, in the user's zone
    clear_due: bool = False
    priority: Priority | None = None
    priority_text: str = ""  # as written, for the duplicate message
    project: str | None = None
    clear_project: bool = False
    assignee: str | None = None
    clear_assignee: bool = False
    tags: list[str] = field(default_factory=list)
    untags: list[str] = field(default_factory=list)
    repeat: str | None = None  # canonical rule text
    clear_repeat: bool = False


def scan(
    tokens: list[Token], usage: str, *, editing: bool, project_opts: bool, tz: str, now: datetime | None
) -> Options:
    """Split tokens into option values and the remaining (title/name) words."""
    found = Options()
    i = 0
    while i < len(tokens):
        token = tokens[i]
        kind = classify(token, allow_untag=editing)
        i += 1
        if kind is Kind.WORD and project_opts and _starts_rule(token):
            i = _repeat(found, tokens, i, token, usage, editing=editing)
        elif kind is Kind.WORD:
            found.words.append(token)
        elif kind is Kind.DUE:
            phrase_tokens: list[Token] = []
            # A quoted token ends the phrase (`due fri "New title"`) unless it is the phrase itself.
            while (
                i < len(tokens)
                and classify(tokens[i], allow_untag=editing) is Kind.WORD
                and not (tokens[i].quoted and phrase_tokens)
                and not _starts_rule(tokens[i])
            ):
                phrase_tokens.append(tokens[i])
                i += 1
            phrase = " ".join(t.text for t in phrase_tokens).strip()
            noun = "title" if project_opts else "name"
            _due(found, phrase, usage, editing=editing, noun=noun, tz=tz, now=now)
        elif kind is Kind.PRIORITY:
            if found.priority is not None:
                raise QuickAddError(
                    f"You gave two priorities ({found.priority_text} and {token.text}); keep one.", usage
                )
            found.priority = PRIORITY_WORDS[token.lower]
            found.priority_text = token.text
        elif kind is Kind.BAD_PRIORITY:
            raise QuickAddError(
                f'"{token.text}" isn\'t a priority. Use p1–p4 or !critical, !high, !medium, !low, !backlog.',
                usage,
            )
        elif kind is Kind.TAG:
            _add_tag(token, found.tags, usage)
        elif kind is Kind.UNTAG:
            _add_tag(token, found.untags, usage)
        elif not project_opts:
            what = "a #project" if kind is Kind.PROJECT else "an @assignee"
            raise QuickAddError(f"A project can't have {what} (`{token.text}`).", usage)
        elif kind is Kind.PROJECT:
            value = token.text[1:]
            taken = found.project is not None or found.clear_project
            if taken:
                raise QuickAddError("You gave more than one project; keep one.", usage)
            if editing and value.lower() == "none":
                found.clear_project = True
            else:
                found.project = value
        else:
            value = assignee_of(token)
            if found.assignee is not None or found.clear_assignee:
                raise QuickAddError("You gave more than one person; keep one.", usage)
            if editing and value.lower() == "none":
                found.clear_assignee = True
            else:
                found.assignee = value
    return found


def _starts_rule(token: Token) -> bool:
    return not token.quoted and token.lower == _REPEAT_WORD


def _repeat(found: Options, tokens: list[Token], i: int, every: Token, usage: str, *, editing: bool) -> int:
    """Read the rule after "every" (tokens from ``i``); returns where scanning goes on.

    In `add`, the rule is the run of words a rule can hold ("every monday 9am"); "every" before any other
    word is the title's ("Review every PR"). In `edit` every bare word up to the next option is the rule, so
    a rule that can't be read ("every blursday") is reported rather than taken for a title.
    """
    end = i
    while (
        end < len(tokens)
        and classify(tokens[end], allow_untag=editing) is Kind.WORD
        and not tokens[end].quoted
        and (editing or is_rule_word(tokens[end].text))
    ):
        end += 1
    if not editing:
        while end > i and tokens[end - 1].lower in _TRAILING:
            end -= 1
    if end == i:
        if editing:
            raise QuickAddError("`every` needs a rule after it, like `every fri` or `every none`.", usage)
        found.words.append(every)
        return i
    if found.repeat is not None or found.clear_repeat:
        raise QuickAddError("You gave two repeat rules; keep one.", usage)
    phrase = " ".join(t.text for t in tokens[i:end])
    if editing and is_none(phrase):
        found.clear_repeat = True
        return end
    try:
        found.repeat = parse_rule(f"every {phrase}").text
    except ValidationError as err:
        tip = None if editing else "If the title itself contains the word every, put the title in quotes."
        raise QuickAddError(err.message, usage, hint=" ".join(filter(None, [err.hint, tip]))) from None
    return end


def _add_tag(token: Token, tags: list[str], usage: str) -> None:
    """Add the tag of a `+tag`/`-tag` token once; refused when too long or one too many (the services
    check again). Repeats are not kept, so ``tags`` never outgrows MAX_TAGS and the checks stay cheap.
    """
    tag = token.text[1:]
    if tag in tags:
        return
    try:
        check_tag(tag)
    except ValidationError as err:
        raise QuickAddError(err.message, usage, hint=err.hint) from None
    if len(tags) >= MAX_TAGS and all(t.lower() != tag.lower() for t in tags):
        raise QuickAddError(f"That's more than {MAX_TAGS} tags; keep at most {MAX_TAGS}.", usage)
    tags.append(tag)


def _due(
    found: Options, phrase: str, usage: str, *, editing: bool, noun: str, tz: str, now: datetime | None
) -> None:
    if found.due is not None or found.clear_due:
        raise QuickAddError("You gave two due dates; keep one.", usage)
    if not phrase:
        raise QuickAddError("`due` needs a date after it, like `due fri` or `due dec 5`.", usage)
    if editing and phrase.lower() in _CLEAR_WORDS:
        found.clear_due = True
        return
    try:
        due = parse_due(phrase, tz, now)
    except ValidationError as err:
        # Outside `edit`, the likeliest cause is a title like "Fix the due date bug" read as an option.
        tip = None if editing else f"If the {noun} itself contains the word due, put the {noun} in quotes."
        raise QuickAddError(str(err), usage, hint=tip) from None
    found.due = due


def title_of(words: list[Token], usage: str, *, what: str = "task", noun: str = "title") -> str:
    """The words joined with single spaces; QuickAddError when empty or over MAX_TITLE characters.

    Quotes that open the title are the grammar's: they mark literal text (`add "Review #launch due dates"
    due fri`, `add 'Bob's plan' soon`) and go. Quotes that open once the title has begun are the title's
    own (`add O'Reilly's "Q4" plan`) and stay as typed, rather than vanishing without a word.
    """
    parts = [t.text for t in words[:1]] + [t.typed for t in words[1:]]
    title = " ".join(" ".join(parts).split())
    if not title:
        example = "`add Write report due fri`" if what == "task" else "`project add Launch`"
        raise QuickAddError(f"A {what} needs a {noun}.", usage, hint=f"Example: {example}.")
    if len(title) > MAX_TITLE:
        raise QuickAddError(
            f"That {noun} is {len(title)} characters; the limit is {MAX_TITLE}.",
            usage,
            hint="Put the details in the description instead.",
        )
    return title
