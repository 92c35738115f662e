"""Requests that edit tasks that exist: rename, move to a project, reschedule, reprioritise; "show" one."""

from __future__ import annotations

import re

from core import refs
from core.understanding.calls import Call, Question, Understanding
from core.understanding.named import Rule, named_tasks, on_tasks
from core.understanding.sentence import Sentence
from core.understanding.slots import find_priority
from core.understanding.when import find_due

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
    r"tell me more about|more (?:info|details|information) (?:on|about|for)|(?:can i|let me|i want to"
    r"|i'd like to) (?:see"
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


def rules() -> list[Rule]:
    """The rules of this module, in the order they are tried."""
    return [_rename, _clear_due, _move_or_reschedule, _reschedule, _prioritise, _show]


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
        if "not" in s.lows[i:j]:  # "in marketing not launch"
            j = i + s.lows[i:j].index("not")
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
    if (prio := find_priority(s.words)) is not None and prio.start == 0 and prio.end < len(s.words):
        rest = prio.end + 1 if s.lows[prio.end] in ("on", "for", ":", "-", "with") else prio.end
        named = named_tasks(s, rest, len(s.words), "update_task", {"priority": prio.value}, several=False)
        if isinstance(named, list):  # "no rush on the laptops", "urgent: the venue"
            return [Call("update_task", {"ref": refs.format_task(named[0]), "priority": prio.value})]
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
