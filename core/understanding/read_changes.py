"""Requests that change tasks that exist: complete, reopen, delete, restore, assign, reschedule, prioritise,
rename, move to a project, and "show" one.

Each rule names the task by ref or by title; a title close to several tasks gets a question, never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from core import refs
from core.understanding.calls import Call, Question, Understanding
from core.understanding.names import match_tasks
from core.understanding.options import read_options
from core.understanding.sentence import MAX_PHRASE, Sentence, ask_which, confident
from core.understanding.slots import find_priority
from core.understanding.when import find_due

Rule = Callable[[Sentence], Understanding]

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
    re.compile(r"^(?:nobody|no one|noone) (?:owns|has|is doing|handles) (?P<obj>.+?)(?: anymore| now)?$"),
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
_RENAME = [
    re.compile(
        r"^(?:rename|retitle|re-title|re-name|change the (?:title|name) of|change the (?:title|name) on|"
        r"update the (?:title|name) of|call) (?P<obj>.+?) (?:to|as|into|->|→) (?P<title>.+)$"
    ),
    re.compile(r"^(?:change|set|update) (?P<obj>.+?)'s (?:title|name) to (?P<title>.+)$"),
    re.compile(r"^(?P<obj>.+?) should be (?:called|named|titled) (?P<title>.+)$"),
    re.compile(r"^(?:call|name|title) (?P<obj>.+?) (?P<title>[\"'“‘].+[\"'”’])(?: instead)?$"),
    re.compile(
        r"^(?:(?:there's a )?typo in|fix the (?:title|name|typo) (?:of|in|on)|correct) (?P<obj>.+?) (?:it "
        r"|the title |"
        r"the name )?should (?:say|read|be) (?P<title>.+)$"
    ),
    re.compile(r"^(?P<obj>.+?) should (?:say|read) (?P<title>.+)$"),
]
_MOVE = [
    re.compile(
        r"^(?:move|put|file|shift|transfer|place|add|assign|push|drag|stick|relocate|send) (?P<obj>.+?) "
        r"(?:to|into|in|under|over to|onto|on) (?:the )?(?P<target>.+)$"
    ),
    re.compile(
        r"^(?P<obj>.+?) (?:should be part of|is part of|belongs|goes|should go|should be|is for|needs to be)"
        r"(?: in| to| under| into)?"
        r" (?:the )?(?P<target>.+)$"
    ),
]
_NO_PROJECT = re.compile(
    r"^(?:take|remove|move|pull|get) (?P<obj>.+?) (?:out of|from) (?:its |the |any )?(?:project|.+ project|"
    r"(?P<name>.+))$"
)
_RESCHEDULE = [
    re.compile(
        r"^(?:reschedule|postpone|push|push back|push out|delay|defer|move|shift|bump|pull in|pull forward|"
        r"bring forward|extend|put off|change|set|update|make) (?:the )?(?:due date |deadline |date )?"
        r"(?:of |for |on )?(?P<obj>.+?)(?:'s due date|'s deadline| due date| deadline| due)? "
        r"(?:to|until|till|til|for|by|back to|out to|->|→) (?P<due>.+)$"
    ),
    re.compile(
        r"^(?P<obj>.+?)(?:'s)? (?:is |are |should be |must be |has to be |needs to be )?(?:now )?(?:due"
        r"|finished"
        r"|done)"
        r"(?: date is| is)? (?:by |on |for |before |until )?(?P<due>.+)$"
    ),
    re.compile(
        r"^(?P<obj>.+?)(?:'s)? (?:deadline|due date) (?:is|moves to|changes to|should be) (?P<due>.+)$"
    ),
    re.compile(r"^(?P<obj>.+?) can wait (?:until|till|til|for) (?P<due>.+)$"),
    re.compile(
        r"^(?P<obj>.+?) (?:can|could|will|should|may|might) (?:slip|move|wait|shift|go|be pushed|be moved)"
        r" (?:to|until|till|til|back to) (?P<due>.+)$"
    ),
    re.compile(r"^(?:do|schedule|plan) (?P<obj>.+?) (?:on|for|at|by) (?P<due>.+?)(?: instead)?$"),
]
_SHIFT = re.compile(
    r"^(?:postpone|push|push back|delay|defer|move|shift|bump|put off|slip) (?P<obj>.+?) (?:by|for) "
    r"(?P<n>a|an|one|two|three|four|\d+) (?P<unit>days?|weeks?|months?)$"
)
_COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4}
_CLEAR_DUE = re.compile(
    r"^(?:clear|remove|drop|delete|unset) (?:the )?(?:due date|deadline|date) (?:of|on|from|for) (?P<obj>.+)$"
    r"|^(?P<obj2>.+?) (?:has|needs) no (?:deadline|due date)$"
)
_PRIORITY_VERBS = re.compile(
    r"^(?:make|set|mark|change|flag|bump|raise|lower|drop|move|put|update) (?:the )?(?:priority (?:of|on) )?"
)
_PRIORITISE = re.compile(
    r"^(?:prioriti[sz]e|bump up|bump|escalate|expedite|raise the priority (?:of|on)|up the priority (?:of"
    r"|on)|"
    r"make (?P<obj2>.+?) a priority) (?P<obj>.+)$"
)
_DEPRIORITISE = re.compile(
    r"^(?:deprioriti[sz]e|de-prioriti[sz]e|lower the priority (?:of|on)|downgrade|reduce the priority (?:of"
    r"|on))"
    r" (?P<obj>.+)$"
)
_IS_PRIORITY = re.compile(
    r"^(?P<obj>.+?) (?:is|are|should be|needs to be|has to be)(?: now| very| really| a| an"
    r"| kind of)* (?P<p>.+?)"
    r"(?: thing| task| one| item)?(?: now| again| too| as well)?$"
)
_TO_BACKLOG = re.compile(
    r"^(?:put|move|send|throw|drop|push) (?P<obj>.+?) (?:in|into|to|on|onto) (?:the )?backlog(?: priority"
    r"| pile)?$"
)
_NOT_IMPORTANT = re.compile(
    r"^(?P<obj>.+?) (?:isn't|is not|aren't|are not) (?:that |very |really )?(?:important|urgent)$"
)
_CAN_WAIT = re.compile(r"^(?P<obj>.+?) can wait$")
_SHOW = re.compile(
    r"^(?:show|open|view|display|details (?:of|for|on|about)|info (?:on|about|for)|tell me about|describe|"
    r"what(?:'s| is) (?:the status of|up with|going on with|happening with)|status (?:of|on)|more about|"
    r"look at|pull up|get|what about|how(?:'s| is)|where are we (?:on|with)|what's|whats|what is|"
    r"more (?:info|details|information) (?:on|about|for)|(?:can i|let me|i want to|i'd like to) (?:see"
    r"|look at)|"
    r"where are we at (?:on|with)|who(?:'s| is) (?:on|doing|handling|working on"
    r"|assigned to)|"
    r"who (?:has|owns|is doing))"
    r"(?: me)?(?: the)?(?: details (?:of|for|on)| info (?:on|about))? (?P<obj>.+?)(?: going| doing"
    r"| coming along)?$"
)
_AND_QUESTION = re.compile(r" and (?:when|what|who|how|where)\b.*$")
_LISTY = frozenset(
    "tasks todos overdue due all everything my mine open pending projects list late today tomorrow week "
    "plate stuff".split()
)


_BARE = re.compile(
    r"^(?:done|complete|finish|finished|delete|remove|reopen|restore|assign|unassign|rename|move|reschedule|"
    r"postpone|close|tick off|mark done|mark as done|mark it done|mark it as done|it's done|its done|"
    r"that's done|thats done)$"
)
_PAST = re.compile(
    r"^(?:(?:i|we)(?:'ve| have)?|just|finally|already)(?: just| already"
    r"| finally)* (?P<verb>[a-z]+) (?P<obj>.+)$"
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
    return [
        _bare,
        _reopen,
        _complete,
        _did_it,
        _restore,
        _unassign,
        _no_project,
        _delete,
        _rename,
        _assign,
        _clear_due,
        _move_or_reschedule,
        _reschedule,
        _prioritise,
        _show,
    ]


def on_tasks(
    s: Sentence,
    match: re.Match[str],
    group: str,
    tool: str,
    args: dict[str, Any] | None = None,
    *,
    closed: bool = False,
    several: bool = True,
) -> Understanding:
    """Calls of ``tool`` on the tasks the group names; None when it names no task at all."""
    i, j = s.group(match, group)
    found = named_tasks(s, i, j, tool, args or {}, closed=closed, several=several)
    if found is None or isinstance(found, Question):
        return found
    if several:
        return [Call(tool, {"ref": refs.format_tasks(found), **(args or {})})]
    return [Call(tool, {"ref": refs.format_task(n), **(args or {})}) for n in found]


def named_tasks(
    s: Sentence,
    i: int,
    j: int,
    tool: str,
    args: dict[str, Any],
    *,
    closed: bool = False,
    several: bool = True,
) -> list[int] | Question | None:
    """Task numbers words ``i``..``j`` name (refs, a title, or titles joined by "and"); None for none."""
    numbers = s.refs_in(i, j)
    if numbers:
        return numbers if several else numbers[:1]
    pool = (*s.vocab.closed, *s.vocab.tasks) if closed else s.vocab.tasks
    phrase = s.task_phrase(i, j)
    if " ".join(s.lows[i:j]) in PRONOUNS:
        if s.context:
            return list(s.context) if several else list(s.context[:1])
        what = s.typed(i, j)
        return Question(f'Which task do you mean by "{what}"? Give its number, like T-3, or its title.')
    if not phrase or len(phrase) > MAX_PHRASE:
        return None
    parts = [p for p in re.split(r"\s*(?:,|\band\b|&)\s*", phrase) if p.strip()] if several else []
    if len(parts) > 1:  # "the insurance renewal and the DNS migration": each part one task
        found: list[int] = []
        for part in parts:
            one = _by_title(part, pool, tool, args)
            if not isinstance(one, list):
                break
            found += one
        else:
            return list(dict.fromkeys(found))
    return _by_title(phrase, pool, tool, args)


PRONOUNS = frozenset(
    {"it", "that", "this", "them", "those", "these", "that one", "this one", "the task", "that task"}
)


def _by_title(
    phrase: str, pool: tuple[Any, ...], tool: str, args: dict[str, Any]
) -> list[int] | Question | None:
    if phrase.lower() in ("it", "that", "this", "them", "one", "those"):
        return None
    scored = match_tasks(phrase, pool)
    if not scored:
        return None
    if confident(scored):
        return [scored[0][0].number]
    return ask_which(phrase, [t for t, _ in scored[:3]], tool, args)


def _first(s: Sentence, patterns: list[re.Pattern[str]], tool: str, **kw: Any) -> Understanding:
    for pattern in patterns:
        if m := pattern.match(s.line):
            found = on_tasks(s, m, "obj", tool, **kw)
            if found is not None:
                return found
    return None


def _complete(s: Sentence) -> Understanding:
    return _first(s, _COMPLETE, "complete_task")


def _bare(s: Sentence) -> Understanding:
    if _BARE.match(s.line):
        return Question("Which task? Give its number, like `done T-3`, or its title.")
    return None


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
        found = _by_title(f"{stem} {rest}", s.vocab.tasks, "complete_task", {})
        if isinstance(found, list):
            return [Call("complete_task", {"ref": refs.format_tasks(found)})]
    return None


def _reopen(s: Sentence) -> Understanding:
    return _first(s, _REOPEN, "reopen_task", closed=True)


def _restore(s: Sentence) -> Understanding:
    return _first(s, [_RESTORE, _RESTORE_BACK], "restore_task", closed=True)


def _delete(s: Sentence) -> Understanding:
    return _first(s, [_DELETE], "delete_task")


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


def _rename(s: Sentence) -> Understanding:
    for pattern in _RENAME:
        if (m := pattern.match(s.line)) is None:
            continue
        title = s.typed(*s.group(m, "title")).strip().strip("\"'“”‘’").strip()
        if title:
            found = on_tasks(s, m, "obj", "update_task", {"title": title}, several=False)
            if found is not None:
                return found
    return None


def _clear_due(s: Sentence) -> Understanding:
    if (m := _CLEAR_DUE.match(s.line)) is None:
        return None
    return on_tasks(s, m, "obj" if m["obj"] else "obj2", "update_task", {"due": "none"}, several=False)


def _move_or_reschedule(s: Sentence) -> Understanding:
    """ "move the slides to Launch" moves to a project; "move the slides to friday" reschedules."""
    for pattern in _MOVE:
        if (m := pattern.match(s.line)) is None:
            continue
        i, j = s.group(m, "target")
        target = s.project_of_words(i, j)
        if target is None:
            continue
        found = on_tasks(s, m, "obj", "update_task", {"project": target.name}, several=False)
        if found is not None:
            return found
    return None


def _reschedule(s: Sentence) -> Understanding:
    if m := _SHIFT.match(s.line):
        n = _COUNTS.get(m["n"]) or int(m["n"])
        days = n * {"d": 1, "w": 7, "m": 30}[m["unit"][0]]
        found = on_tasks(s, m, "obj", "update_task", {"due": f"in {days} days"}, several=False)
        if found is not None:
            return found
    for pattern in _RESCHEDULE:
        if (m := pattern.match(s.line)) is None:
            continue
        i, j = s.group(m, "due")
        due = find_due(s.words[i:j], s.tz, s.now)
        if due is None or due.start > 1:
            continue
        found = on_tasks(s, m, "obj", "update_task", {"due": due.value}, several=False)
        if found is not None:
            return found
    return None


def _prioritise(s: Sentence) -> Understanding:
    if m := _DEPRIORITISE.match(s.line):
        return on_tasks(s, m, "obj", "update_task", {"priority": "low"}, several=False)
    prio = find_priority(s.words)
    if prio is not None and (verb := _PRIORITY_VERBS.match(s.line)):
        i = s.word_at(verb.end())
        j = prio.start
        while j > i and s.lows[j - 1] in ("to", "as", "a", "the", "priority", "'s"):
            j -= 1
        found = named_tasks(s, i, j, "update_task", {"priority": prio.value}, several=False)
        if isinstance(found, list):
            return [Call("update_task", {"ref": refs.format_task(found[0]), "priority": prio.value})]
        if isinstance(found, Question):
            return found
    if m := _PRIORITISE.match(s.line):
        return on_tasks(
            s, m, "obj2" if m["obj2"] else "obj", "update_task", {"priority": "high"}, several=False
        )
    if m := _IS_PRIORITY.match(s.line):
        i, j = s.group(m, "p")
        tail = find_priority(s.words[i:j])
        if tail is not None and tail.start == 0 and tail.end == j - i:
            return on_tasks(s, m, "obj", "update_task", {"priority": tail.value}, several=False)
    if m := _TO_BACKLOG.match(s.line):
        return on_tasks(s, m, "obj", "update_task", {"priority": "backlog"}, several=False)
    if m := _NOT_IMPORTANT.match(s.line):
        return on_tasks(s, m, "obj", "update_task", {"priority": "low"}, several=False)
    if m := _CAN_WAIT.match(s.line):
        return on_tasks(s, m, "obj", "update_task", {"priority": "low"}, several=False)
    return None


def _show(s: Sentence) -> Understanding:
    if len(s.words) <= 2 and (numbers := s.refs_in(0, len(s.words))) and s.refs_in(0, 1):
        return [Call("task_details", {"ref": refs.format_task(n)}) for n in numbers]
    line = _AND_QUESTION.sub("", s.line)
    m = _SHOW.match(line)
    if m is None:
        return None
    i, j = s.group(m, "obj")
    if not s.refs_in(i, j) and any(low in _LISTY for low in s.lows[i:j]):
        return None
    if s.project_of_words(i, j) is not None:
        return None
    found = named_tasks(s, i, j, "task_details", {}, closed=True, several=False)
    if isinstance(found, list):
        return [Call("task_details", {"ref": refs.format_task(found[0])})]
    return found


def options_after(s: Sentence, i: int) -> dict[str, Any]:
    """Options written after word ``i`` (a reschedule's date, …), for rules that take them."""
    return read_options(s, i, len(s.words)).args
