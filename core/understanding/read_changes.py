"""Requests that change the state of tasks that exist: complete, reopen, delete, restore, assign and unassign.

Each rule names the task by ref or by title (``named``); a title close to several tasks gets a question,
never a guess.
"""

from __future__ import annotations

import re

from core import refs
from core.understanding.calls import Call, Question, Understanding
from core.understanding.named import Rule, by_title, first_match, named_tasks, on_tasks
from core.understanding.sentence import Sentence
from core.understanding.slots import find_priority
from core.understanding.when import find_due

_DONE_WORDS = (
    r"(?<!not )(?:done|complete|completed|finished|closed|resolved|sorted|taken care of|handled|over with)"
)

_COMPLETE = [
    re.compile(r"^(?:mark|set|flag|move|put|make) (?P<obj>.+?) (?:as |to )?(?:being )?" + _DONE_WORDS + r"$"),
    re.compile(
        r"^(?:complete|finish|close|close out|tick off|check off|cross off|resolve|wrap up|knock out|"
        r"done(?: with)?|finished(?: with)?|completed|closed|check|tick) (?P<obj>.+?)(?: off)?$"
    ),
    re.compile(
        r"^(?:i|we)(?:'ve|'m| have| am|'re| are| just| finally| already)* "
        r"(?:done with|finished(?: with)?|finished up|completed|complete|wrapped up|closed|knocked out|"
        r"ticked off|through with|did|finally finished) (?P<obj>.+)$"
    ),
    re.compile(
        r"^(?P<obj>.+?)(?: is| are| was| were|'s| has been| have been)(?: now| finally| all| already)* "
        + _DONE_WORDS
        + r"(?: now)?$"
    ),
    re.compile(r"^(?P<obj>.+?) (?:can be closed|can be marked done|is good to go)$"),
]

_REOPEN = [
    re.compile(
        r"^(?:reopen|re-open|unfinish|uncomplete|un-complete|undone|reactivate"
        r"|revive) (?P<obj>.+?)(?: again)?$"
    ),
    re.compile(r"^open (?P<obj>.+?) (?:again|back up)$"),
    re.compile(
        r"^(?:undo|revert|reverse) (?:the )?(?:complete|completion|done|finish|close)(?: on| of"
        r"| for)? (?P<obj>.+)$"
    ),
    re.compile(r"^(?:unmark|untick|uncheck) (?P<obj>.+?)(?: as (?:done|complete|completed|finished))?$"),
    re.compile(r"^(?P<obj>.+?) (?:is|are) (?:open|active|back|not done) again$"),
    re.compile(
        r"^(?P<obj>.+?) (?:needs to be|should be|has to be|must be) (?:open|opened|reopened|active|undone)"
        r"(?: again)?$"
    ),
    re.compile(
        r"^(?:mark|set|move|put) (?P<obj>.+?) (?:as |back to )?(?:not done|undone|open|incomplete|todo|to do|"
        r"not finished|unfinished|not complete|in progress)(?: again)?$"
    ),
    re.compile(
        r"^(?P<obj>.+?) (?:is|was|are|were)(?:n't| not) (?:actually |really )?(?:done|finished|complete)"
        r"(?: after all| yet)?$"
    ),
    re.compile(r"^(?P<obj>.+?) needs (?:more work|to be reopened|reopening)$"),
]

_DELETE = re.compile(
    r"^(?:delete|remove|drop|trash|scrap|bin|get rid of|kill|nuke|erase|discard|throw away|throw out|toss|"
    r"axe|ditch|cancel|purge) (?P<obj>.+?)(?: from (?:the |my )?(?:list|tasks|board))?$"
)

_RESTORE_BACK = re.compile(r"^(?:get|bring|put) (?P<obj>.+?) back$")

_RESTORE = re.compile(
    r"^(?:restore|undelete|un-delete|bring back|recover|resurrect|get back|unarchive|retrieve) (?P<obj>.+?)"
    r"(?: back)?$"
)

_UNASSIGN = [
    re.compile(r"^(?:unassign|un-assign|deassign|de-assign) (?P<obj>.+?)(?: from (?P<who>.+))?$"),
    re.compile(r"^(?:take|remove|drop|get) (?P<who>\S+) (?:off|from) (?P<obj>.+)$"),
    re.compile(r"^(?:unassign|un-assign|deassign) (?P<who>\S+) (?:from|on) (?P<obj>.+)$"),
    re.compile(
        r"^(?P<who>\S+) (?:isn't|is not|is no longer|no longer|won't be|will not be) (?:on|doing|handling|"
        r"working on|assigned to|owning) (?P<obj>.+?)(?: anymore| now)?(?: leave it unassigned"
        r"| unassign (?:it|them))?$"
    ),
    re.compile(r"^(?P<obj>.+?) (?:is|should be|can be) unassigned$"),
    re.compile(r"^(?:nobody|no one|noone)(?:'s| is) (?:on|doing|handling|assigned to) (?P<obj>.+)$"),
    re.compile(r"^(?:clear|remove|drop|unset) (?:the )?(?:assignee|owner) (?:of|on|from|for) (?P<obj>.+)$"),
    re.compile(
        r"^(?:nobody|no one|noone) (?:owns|has|is doing|handles|should own|should have|should do"
        r"|should handle|"
        r"needs to own) (?P<obj>.+?)(?: anymore| now| for now)?$"
    ),
    re.compile(
        r"^(?P<obj>.+?) (?:shouldn't|should not|doesn't need to|does not need to) have an? (?:owner"
        r"|assignee)$"
    ),
    re.compile(r"^(?P<obj>.+?) (?:is|are) (?:up for grabs|free to take|unowned|ownerless|available)$"),
]

_ASSIGN = [
    re.compile(
        r"^(?:assign|give|hand|hand over|hand off|delegate|reassign|pass|pass on|transfer|route|allocate"
        r"|send|"
        r"forward) (?P<obj>.+?) (?:to|over to|on to|onto) (?P<who>\S+(?: \S+)??)$"
    ),
    re.compile(r"^(?:assign|give|hand|pass|reassign) (?P<who>\S+) (?P<obj>.+)$"),
    re.compile(
        r"^(?:let|have|get|ask) (?P<who>\S+(?: \S+)??) (?:to )?(?:handle|take|do|own|work on|look at"
        r"|look into|"
        r"take care of|pick up|deal with|tackle) (?P<obj>.+)$"
    ),
    re.compile(
        r"^(?P<who>\S+(?: \S+)??) (?:will|can|should|is going to|'ll|is gonna|is taking|takes|is handling|"
        r"handles|owns|is on) (?:handle |take |do |own |work on |take care of |pick up |deal with |tackle )?"
        r"(?P<obj>.+)$"
    ),
    re.compile(
        r"^(?:put|make) (?P<who>\S+) (?:on|in charge of|responsible for|the owner of|owner of) (?P<obj>.+)$"
    ),
    re.compile(
        r"^(?P<who>\S+?)(?:'s| is| will be|'ll be) (?:taking over|taking|handling|doing|picking up|owning"
        r"|covering|"
        r"on) (?P<obj>.+)$"
    ),
    re.compile(r"^(?P<obj>.+?) (?:is|goes|should go|belongs)(?: now)? (?:on|to|with) (?P<who>\S+)$"),
    re.compile(r"^(?P<obj>.+?) (?:->|→|=>|>) (?P<who>\S+)$"),
    re.compile(r"^(?P<obj>.+?) (?:is|are|should be)(?: now)? (?:assigned|given) to (?P<who>\S+(?: \S+)??)$"),
]

_SELF_ASSIGN = re.compile(
    r"^(?:i'll|i will|i can|let me|i'm going to|i am going to|i'm gonna|i'm taking|i am taking|i'm on|"
    r"i take|i'm handling|i'll handle|i'll take) (?:take |handle |do |own |grab |pick up |take care of |"
    r"work on )?(?P<obj>.+)$"
)

_NO_PROJECT = re.compile(
    r"^(?:take|remove|move|pull|get) (?P<obj>.+?) (?:out of|from) (?:its |the |any )?(?:project|.+ project|"
    r"(?P<name>.+))$"
)

_BARE = re.compile(
    r"^(?:done|complete|finish|finished|delete|remove|reopen|restore|assign|unassign|rename|move|reschedule|"
    r"postpone|close|tick off|mark done|mark as done|mark it done|mark it as done|it's done|its done|"
    r"that's done|thats done)$"
)

_PAST = re.compile(
    r"^(?:(?:(?:i|we)(?:'ve| have)?|just|finally|already)(?: just| already| finally)* )?"
    r"(?P<verb>[a-z]+) (?P<obj>.+)$"
)

_NOT_DONE_VERBS = frozenset(
    "need needed want wanted planned tried started decided forgot hoped wished intended used supposed asked "
    "expected liked loved hated feed speed proceed agreed".split()
)

_IRREGULAR = {
    "sent": "send", "paid": "pay", "made": "make", "wrote": "write", "bought": "buy", "built": "build",
    "took": "take", "gave": "give", "sold": "sell", "got": "get", "did": "do", "ran": "run", "met": "meet",
    "found": "find", "told": "tell", "put": "put", "set": "set", "read": "read", "drew": "draw",
    "left": "leave",
}  # fmt: skip


def rules() -> list[Rule]:
    """The rules of this module, in the order they are tried."""
    return [_bare, _reopen, _complete, _did_it, _restore, _unassign, _no_project, _delete, _assign]


def _complete(s: Sentence) -> Understanding:
    return first_match(s, _COMPLETE, "complete_task")


_BARE_TOOLS = {
    "delete": "delete_task", "remove": "delete_task", "reopen": "reopen_task", "restore": "restore_task",
    "unassign": "assign_task",
}  # fmt: skip


def _bare(s: Sentence) -> Understanding:
    if not _BARE.match(s.line):
        return None
    if s.context:  # "T-5 shouldn't have an owner, unassign": the other clause named the task
        tool = _BARE_TOOLS.get(s.lows[0], "complete_task")
        extra = {"assignee": "none"} if s.lows[0] == "unassign" else {}
        return [Call(tool, {"ref": refs.format_task(n), **extra}) for n in s.context]
    return Question("Which task? Give its number, like `done T-3`, or its title.")


def _did_it(s: Sentence) -> Understanding:
    """ "I sent the invoices to clients" completes "Send invoices to clients": the past of the title's"
    " verb."""
    if (m := _PAST.match(s.line)) is None:
        return None
    verb = m["verb"]
    if verb in _NOT_DONE_VERBS or len(verb) < 4 or (verb not in _IRREGULAR and not verb.endswith("ed")):
        return None  # "I need to …", "I wanted to …": intentions, not work done
    candidates = [_IRREGULAR[verb]] if verb in _IRREGULAR else []
    if verb.endswith("ed"):
        candidates += [verb[:-1], verb[:-2]]  # "booked" → "booke"/"book"; "renewed" → "renew"
        if len(verb) > 5 and verb[-3] == verb[-4]:
            candidates.append(verb[:-3])  # "planned" → "plan"
    i, j = s.group(m, "obj")
    rest = s.task_phrase(i, j)
    for stem in dict.fromkeys(candidates):
        found = by_title(f"{stem} {rest}", s.vocab.tasks, "complete_task", {})
        if isinstance(found, list):
            return [Call("complete_task", {"ref": refs.format_tasks(found)})]
    return None


def _reopen(s: Sentence) -> Understanding:
    return first_match(s, _REOPEN, "reopen_task", closed=True)


def _restore(s: Sentence) -> Understanding:
    return first_match(s, [_RESTORE, _RESTORE_BACK], "restore_task", closed=True)


def _delete(s: Sentence) -> Understanding:
    if find_priority(s.words) is not None or find_due(s.words, s.tz, s.now) is not None:
        return None  # "drop T-3 to low priority", "push T-3 to friday": not a delete
    return first_match(s, [_DELETE], "delete_task")


def _unassign(s: Sentence) -> Understanding:
    for pattern in _UNASSIGN:
        if m := pattern.match(s.line):
            if "who" in pattern.groupindex and m["who"] and s.person(s.typed(*s.group(m, "who"))) is None:
                continue
            i, j = s.group(m, "obj")
            if s.lows[i:j] in (["me"], ["myself"]):  # "…the caterer call, unassign me"
                if s.context:
                    return [Call("assign_task", {"ref": refs.format_task(s.context[0]), "assignee": "none"})]
                continue
            found = on_tasks(s, m, "obj", "assign_task", {"assignee": "none"}, several=False)
            if found is not None:
                return found
    return None


def _no_project(s: Sentence) -> Understanding:
    m = _NO_PROJECT.match(s.line)
    if m is None:
        return None
    if m["name"] and s.project(s.typed(*s.group(m, "name"))) is None:
        return None
    return on_tasks(s, m, "obj", "update_task", {"project": "none"}, several=False)


def _assign(s: Sentence) -> Understanding:
    if m := _SELF_ASSIGN.match(s.line):
        found = on_tasks(s, m, "obj", "assign_task", {"assignee": "me"}, several=False)
        if found is not None:
            return found
    for n, pattern in enumerate(_ASSIGN):
        if (m := pattern.match(s.line)) is None:
            continue
        typed = s.typed(*s.group(m, "who"))
        who = s.person(typed)
        if who is None and n == 0 and " " not in typed and typed.isalpha():
            who = typed  # "hand the band task to zoe": the tool says whether it knows zoe
        if who is None:
            continue
        i, j = s.group(m, "obj")
        numbers = named_tasks(s, i, j, "assign_task", {"assignee": who})
        if isinstance(numbers, list):  # the tool takes one task: one call each
            return [Call("assign_task", {"ref": refs.format_task(n), "assignee": who}) for n in numbers]
        if numbers is not None:
            return numbers
    return None
