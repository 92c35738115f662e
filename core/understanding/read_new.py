"""Requests that add something: tasks, subtasks, reminders, repeats, dependencies, and projects.

"make a task to book the band next friday in Wedding, high priority", "sam has to renew the insurance by
march 3", "add a subtask to T-3: confirm the menu", "T-5 blocks T-3", "ping me about T-3 on friday morning".
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

from core import refs
from core.understanding.calls import Call, Question, Understanding
from core.understanding.named import Rule, named_tasks
from core.understanding.options import read_options, title_of
from core.understanding.sentence import Sentence
from core.understanding.when import find_due, find_repeat

_CREATE_HEAD = re.compile(
    r"^(?:(?:please )?(?:add|ad|create|make|new|put|jot down|jot|note down|note|log|track|set up|open|file|"
    r"write down|capture|record|throw in|stick|enter|insert)(?: me| us)?"
    r"(?: (?:a|an|another|one more))?(?: (?:new|recurring|repeating|quick|little|small))?"
    r"(?: (?:task|todo|to-do|to do|item|ticket|card|entry|reminder|"
    r"issue|action item))?(?: (?:called|named|titled|saying|that says|to|for|about))?(?: ?:)? "
    r"|(?:todo|to-do|to do|task|new task|reminder|note to self|memo|action item)(?: ?:| -)? "
    r"|(?:i |we )?need (?:a|an|another) (?:new )?(?:task|todo|to-do|ticket|item)(?: (?:for|to|called"
    r"|named))?(?: ?:)? "
    r"|(?:don't forget to|dont forget to|do not forget to|remember to|need to|i need to|i have to"
    r"|i've got to|"
    r"ive got to|i gotta|gotta|i must|i should|we need to|we have to|we should|we must|we gotta|"
    r"i want to|i'd like to|must|should|have to|got to) )"
)
_REMIND_TO = re.compile(r"^(?:remind|tell|ask) (?P<who>me|us|\S+) (?:to|that i need to|that we need to) ")
_SOMEONE_MUST = re.compile(
    r"^(?P<who>\S+(?: \S+)??) (?:needs to|has to|must|should|have to|gotta|has got to|is to|will need to|"
    r"is supposed to|needs) "
)
_REMIND_ABOUT = re.compile(
    r"^(?:remind|ping|nudge|alert|notify|buzz|poke|message|dm) (?P<who>me|us|\S+) (?:about|of|on|re"
    r"|regarding|"
    r"for|when) (?P<rest>.+)$"
    r"|^(?:set|add|create|schedule)(?: me)? (?:a |an )?(?:reminder|alert|nudge|ping) (?:for|about|on|of) "
    r"(?P<rest2>.+)$"
)
_BEFORE_DUE = re.compile(
    r"\b(?P<n>\d+|a|an|one|two|three) (?P<unit>minutes?|hours?|days?|weeks?) before (?:it's |its |it is "
    r"|the )?"
    r"(?:due|deadline|due date)\b"
)
_SUBTASK = [
    re.compile(
        r"^(?:add|create|make|new|put)(?: a| an| another| one more)?(?: new)? sub-?tasks? (?:to|for|under"
        r"|on|of|in)"
        r" (?P<parent>.+?)(?: ?:| -|,) (?P<title>.+)$"
    ),
    re.compile(
        r"^(?:add|create|make|new|put)(?: a| an| another"
        r"| one more)?(?: new)? sub-?tasks?(?: ?:)? (?P<title>.+?)"
        r" (?:to|for|under|on|of|in) (?P<parent>t-\d+|#\d+|\d+)$"
    ),
    re.compile(
        r"^(?:(?:add|create|make|put|new) )?(?P<title>.+?) (?:under|as a sub-?task (?:of|to|for|under)|"
        r"as sub-?task of|beneath|below|as a child of|as part of|inside) (?P<parent>.+)$"
    ),
    re.compile(
        r"^(?P<parent>.+?) (?:needs|gets|has|should have) (?:a |another "
        r"|one more )?sub-?tasks?:? (?P<title>.+)$"
    ),
]
_SUBTASK_WORDS = r"(?:sub-?tasks?|steps?|sub-?items?|checklist items?|child tasks?)"
_SUBTASK_MORE = [
    re.compile(
        r"^(?:under|for|in|as part of|as a sub-?task of|inside|within) (?P<parent>.+?) (?:add|create|new|put)"
        r"(?: a| an| another)?(?: new)?(?: " + _SUBTASK_WORDS + r")?(?: ?:)? (?P<title>.+)$"
    ),
    re.compile(
        r"^(?:add|create|make|new|put)(?: a| an| another)?(?: new)? "
        + _SUBTASK_WORDS
        + r"(?: ?:)? (?P<title>.+?)"
        r" (?:to|for|under|on|of|in) (?P<parent>.+)$"
    ),
    re.compile(
        r"^(?:add|create|make|new|put)(?: a| an| another| one more)?(?: new)? "
        + _SUBTASK_WORDS
        + r" (?:to|for|under|on|of|in) (?P<parent>.+?)(?: ?:| -) (?P<title>.+)$"
    ),
    re.compile(
        r"^" + _SUBTASK_WORDS + r" (?:for|to|under|of|on|in) (?P<parent>.+?)(?: ?:| -) (?P<title>.+)$"
    ),
    re.compile(
        r"^(?:break|split) (?P<parent>.+?) (?:down|up)(?: ?:)? (?:add |create )?(?P<title>.+?) as (?:a |an )?"
        + _SUBTASK_WORDS
        + r"$"
    ),
]
_BREAK = re.compile(r"^(?:break|split|divide) (?P<parent>.+?) (?:up )?(?:into|in) (?P<titles>.+)$")
_BLOCKS = re.compile(
    r"^(?P<a>.+?) (?:blocks|is blocking|blocking|must come before|has to happen before|comes before|"
    r"goes before|needs to happen before|must happen before|should come before|is a blocker for|"
    r"has to be done before|must be done before|needs to be done before|is needed for"
    r"|is required for) (?P<b>.+)$"
)
_AFTER = re.compile(
    r"^(?:(?:make|set|mark) )?(?P<b>.+?) (?:is |are )?(?:blocked by|depends on|depend on|is waiting on"
    r"|waits on|"
    r"wait on|wait for|are waiting on|are waiting for|"
    r"waiting on|is waiting for|waits for|comes after|must wait for|has to wait for|can't start (?:until"
    r"|before)|"
    r"cannot start (?:until|before)|needs|requires|after|is dependent on|as dependent on|is after)"
    r" (?P<a>.+?)(?: is done| is finished| first)?$"
)
_UNTIL = re.compile(
    r"^(?:we |i )?(?:can't|cannot|can not|shouldn't|won't) (?P<b>.+?) (?:until|before|till|til) (?P<a>.+?)"
    r"(?: is| are| has been| have been)?(?: done| booked| finished| ready| sent| paid| signed| approved"
    r"| in)?$"
)
_UNBLOCK = [
    re.compile(
        r"^(?P<a>.+?) (?:no longer blocks|doesn't block|does not block|isn't blocking|is not blocking)"
        r"(?: anymore)? (?P<b>.+?)(?: anymore)?$"
    ),
    re.compile(
        r"^(?P<b>.+?) (?:no longer depends on|doesn't depend on|does not depend on|isn't blocked by|"
        r"is not blocked by|is no longer blocked by"
        r"|doesn't need to wait for)(?: anymore)? (?P<a>.+?)(?: anymore)?$"
    ),
    re.compile(r"^unblock (?P<b>.+?) from (?P<a>.+)$"),
    re.compile(
        r"^(?:remove|delete|drop|clear) (?:the )?(?:dependency|link"
        r"|blocker) between (?P<b>.+?) and (?P<a>.+)$"
    ),
    re.compile(
        r"^(?:unblock|remove (?:the )?(?:dependency|dependencies|blockers?) (?:from|on|of)) (?P<b>.+)$"
    ),
]
_REPEAT_EXISTING = [
    re.compile(
        r"^(?:make|set|have|let) (?P<obj>.+?) (?:repeat|recur|happen|repeating|recurring|come back|reoccur)"
        r" (?P<rule>.+)$"
    ),
    re.compile(r"^(?:repeat|recur) (?P<obj>.+?) (?P<rule>(?:every|each|daily|weekly|monthly|yearly).*)$"),
    re.compile(
        r"^(?P<obj>.+?) (?:should |needs to |must |has to |will )?(?:repeat|repeats|recur|recurs|happens"
        r"|happen|"
        r"be done|comes up|come up) (?P<rule>.+)$"
    ),
]
_STOP_REPEAT = re.compile(
    r"^(?:stop repeating|don't repeat|do not repeat|stop recurring|no longer repeat|unrepeat|"
    r"make (?P<obj2>.+?) (?:not repeat|stop repeating|a one-off|one-off))(?: (?P<obj>.+))?$"
    r"|^(?P<obj3>.+?) (?:should )?(?:stops? repeating|no longer repeats|doesn't repeat anymore|"
    r"(?:shouldn't|should not|doesn't need to|does not need to|don't need to|do not need to|won't|needn't) "
    r"(?:recur|repeat)(?: anymore)?|"
    r"is a one-off(?: now)?|is one-off(?: now)?)$"
)
_NAMED_PROJECT = re.compile(
    r"^(?:make|create|start|add|set up|open|new|spin up)(?: a| an)(?: new)? (?P<name>.+?) project$"
)
_CREATE_PROJECT = re.compile(
    r"^(?:create|make|start|add|set up|setup|open|new|kick off|spin up|begin|launch)(?: a| an| the)?(?: new)?"
    r" project(?: called| named| titled| for)?(?: ?:)? (?P<name>.+)$"
    r"|^new project(?: ?:)? (?P<name2>.+)$"
)


def rules() -> list[Rule]:
    """The rules of this module, in the order they are tried."""
    return [
        _create_project,
        _reminder,
        _subtask,
        _break_up,
        _unblock,
        _dependency,
        _stop_repeat,
        _repeat_existing,
    ]


def _create_project(s: Sentence) -> Understanding:
    m = _CREATE_PROJECT.match(s.line) or _NAMED_PROJECT.match(s.line)
    if m is None:
        return None
    if m.re is _NAMED_PROJECT and (
        len(m["name"].split()) > 4 or re.search(r"\b(?:task|todo|called|in)\b|[\"“]", m["name"])
    ):
        return None  # "create a task called “X” in the wedding project" is a task
    group = "name" if m["name"] else "name2"
    i, j = s.group(m, group)
    opts = read_options(s, i, j, people=False, projects=False)
    name = title_of(s, i, j, opts.used).strip("\"'“”")
    name = re.sub(r"^(?:the|a|an|our|my)\s+", "", name, flags=re.IGNORECASE)
    args: dict[str, Any] = {"name": name}
    for key in ("due", "priority"):
        if key in opts.args:
            args[key] = opts.args[key]
    return [Call("create_project", args)] if name else None


_REMIND_WHEN_TO = re.compile(r"^(?:remind|ping|nudge) (?P<who>me|us|\S+) (?P<when>.+?) to (?P<rest>.+)$")


def _remind_existing(s: Sentence) -> Understanding:
    """ "remind me in 2 hours to pay the photographer deposit" when that task exists: a reminder, not a"
    " task."""
    m = _REMIND_WHEN_TO.match(s.line)
    if m is None:
        return None
    wi, wj = s.group(m, "when")
    due = find_due(s.words[wi:wj], s.tz, s.now)
    if due is None or due.start != 0 or due.end != wj - wi:
        return None
    who = s.person(s.typed(*s.group(m, "who"))) or "me"
    ri, rj = s.group(m, "rest")
    found = named_tasks(s, ri, rj, "remind", {}, several=False)
    if not isinstance(found, list):
        return None
    return [Call("remind", {"ref": refs.format_task(found[0]), "when": due.value, "who": who})]


# "remind me 1 day before due", "always remind me 2 hours before things are due": a standing lead, no task.
_STANDING_LEAD = re.compile(
    r"^(?:(?:please|pls|plz|kindly|always|from now on) )*(?:remind|ping|nudge|notify) (?P<who>me|us|\S+) "
    r"(?:always )?(?P<lead>(?:\d+|a|an|one|two|three) (?:minutes?|hours?|days?|weeks?)) before "
    r"(?:(?:my|our|the) )?(?:(?:tasks?|things?|stuff|items?) (?:are |is )?"
    r"|(?:they're|they are|it's|its|it is) )?(?:due|deadline|due dates?)(?: from now on| always)?$"
)


def _standing_lead(s: Sentence) -> Understanding:
    if (m := _STANDING_LEAD.match(s.line)) is None:
        return None
    who = "me" if m["who"] in ("me", "us") else s.person(s.typed(*s.group(m, "who")))
    if who is None:
        return None
    return [Call("remind", {"when": f"{m['lead']} before due", "who": who})]


def _reminder(s: Sentence) -> Understanding:
    if standing := _standing_lead(s):
        return standing
    if existing := _remind_existing(s):
        return existing
    if (m := _REMIND_ABOUT.match(s.line)) is None:
        return None
    who = s.person(s.typed(*s.group(m, "who"))) if m["who"] else "me"
    if who is None:
        return None
    group = "rest" if m["rest"] else "rest2"
    i, j = s.group(m, group)
    args: dict[str, Any] = {}
    if before := _BEFORE_DUE.search(" ".join(s.lows[i:j])):
        args["when"] = before[0]
        cut_start, cut_end = s.span(before.start() + s._starts[i], before.end() + s._starts[i])
        used = set(range(cut_start, cut_end))
    else:
        due = find_due(s.words[i:j], s.tz, s.now)
        used = set(range(i + due.start, i + due.end)) if due else set()
        if due is not None:
            args["when"] = due.value
    kept = [k for k in range(i, j) if k not in used]
    if not kept:
        return None
    named = named_tasks(s, kept[0], kept[-1] + 1, "remind", args, several=False)
    if named is None or isinstance(named, Question):
        return named
    return [Call("remind", {"ref": refs.format_task(named[0]), **args, "who": who})]


def _subtask(s: Sentence) -> Understanding:
    for pattern in (*_SUBTASK_MORE, *_SUBTASK):
        if (m := pattern.match(s.line)) is None:
            continue
        pi, pj = s.group(m, "parent")
        # "the newsletter for sam": who does the subtask can come with the parent's name
        parent_opts = read_options(s, pi, pj, projects=False)
        kept = [k for k in range(pi, pj) if k not in parent_opts.used]
        if not kept:
            continue
        parent = named_tasks(s, kept[0], kept[-1] + 1, "add_subtask", {}, several=False)
        if not isinstance(parent, list):
            continue
        ti, tj = s.group(m, "title")
        opts = read_options(s, ti, tj, projects=False)
        title = title_of(s, ti, tj, opts.used)
        if not title:
            continue
        args = {"parent": refs.format_task(parent[0]), "title": title}
        for key in ("due", "assignee", "priority"):
            if key in opts.args:
                args[key] = opts.args[key]
            elif key in parent_opts.args:
                args[key] = parent_opts.args[key]
        return [Call("add_subtask", args)]
    return None


def _break_up(s: Sentence) -> Understanding:
    if (m := _BREAK.match(s.line)) is None:
        return None
    pi, pj = s.group(m, "parent")
    parent = named_tasks(s, pi, pj, "add_subtask", {}, several=False)
    if not isinstance(parent, list):
        return parent
    text = s.typed(*s.group(m, "titles"))
    titles = [t.strip(" :") for t in re.split(r"\s*(?:,|;|\band\b|\+)\s*", text) if t.strip(" :")]
    ref = refs.format_task(parent[0])
    return [Call("add_subtask", {"parent": ref, "title": t}) for t in titles] or None


def _pair(s: Sentence, m: re.Match[str], tool: str) -> Understanding:
    ai, aj = s.group(m, "a")
    bi, bj = s.group(m, "b")
    a = named_tasks(s, ai, aj, tool, {}, several=True)
    b = named_tasks(s, bi, bj, tool, {}, several=False)
    if isinstance(a, Question) and b is not None:
        return a
    if isinstance(b, Question) and a is not None:
        return b
    if not isinstance(a, list) or not isinstance(b, list):
        return None
    return [Call(tool, {"ref": refs.format_task(b[0]), "blocked_by": refs.format_tasks(a)})]


def _dependency(s: Sentence) -> Understanding:
    for pattern in (_BLOCKS, _AFTER, _UNTIL):
        if (m := pattern.match(s.line)) is not None:
            found = _pair(s, m, "set_dependency")
            if found is not None:
                return found
    return None


def _unblock(s: Sentence) -> Understanding:
    for pattern in _UNBLOCK:
        if (m := pattern.match(s.line)) is None:
            continue
        if "a" in pattern.groupindex:
            found = _pair(s, m, "remove_dependency")
            if found is not None:
                return found
            continue
        bi, bj = s.group(m, "b")
        b = named_tasks(s, bi, bj, "remove_dependency", {}, several=False)
        if isinstance(b, list):
            return [Call("remove_dependency", {"ref": refs.format_task(b[0])})]
        if b is not None:
            return b
    return None


def _stop_repeat(s: Sentence) -> Understanding:
    if (m := _STOP_REPEAT.match(s.line)) is None:
        return None
    group = next((g for g in ("obj", "obj2", "obj3") if m[g]), None)
    if group is None:
        return None
    i, j = s.group(m, group)
    found = named_tasks(s, i, j, "update_task", {"repeat": "none"}, several=False)
    if isinstance(found, list):
        return [Call("update_task", {"ref": refs.format_task(found[0]), "repeat": "none"})]
    return found


def _repeat_existing(s: Sentence) -> Understanding:
    for pattern in _REPEAT_EXISTING:
        if (m := pattern.match(s.line)) is None:
            continue
        ri, rj = s.group(m, "rule")
        rule = find_repeat(s.words[ri:rj])
        if rule is None or rule.start > 0:
            continue
        i, j = s.group(m, "obj")
        found = named_tasks(s, i, j, "update_task", {"repeat": rule.value}, several=False)
        if isinstance(found, list):
            return [Call("update_task", {"ref": refs.format_task(found[0]), "repeat": rule.value})]
        if found is not None:
            return found
    return None


_ODD_PREPS = frozenset({"in", "under", "into", "to", "for", "on"})


def _doubtful(s: Sentence, start: int, used: set[int]) -> bool:
    """A title that may hold an option no rule could place: a quoted part with more words around it, a
    preposition before a capitalised or #-word ("under Nope"), or a very long one."""
    kept = [k for k in range(start, len(s.words)) if k not in used]
    if any(s.words[k].quoted for k in kept) and len(kept) > 1:
        return True
    for a, b in pairwise(kept):
        if s.lows[a] in _ODD_PREPS and (s.words[b].text[:1].isupper() or s.words[b].text.startswith("#")):
            return True
    return len(kept) > 14


_MY_LIST = re.compile(
    r"\b(?:on|to|onto|in|into) (?:my|the|our) (?:list|to-?do list|todo list|to do list|plate|tasks|backlog)\b"
)


def _list_words(s: Sentence, start: int, used: set[int]) -> None:
    """ "put X on my list": the list is where tasks go anyway, not words of the title."""
    for m in _MY_LIST.finditer(s.line):
        i, j = s.span(m.start(), m.end())
        if i >= start:
            used.update(range(i, j))


def create(s: Sentence) -> Understanding:
    """A new task: "add …", "remind sam to …", "sam has to …", "I need to …", with the options in its"
    " words."""
    assignee: str | None = None
    start: int | None = None
    if m := _REMIND_TO.match(s.line):
        assignee = s.person(s.typed(*s.group(m, "who")))
        if assignee is None and m["who"] == "us":
            assignee = None
        elif assignee is None:
            return None
        start = s.word_at(m.end())
    elif m := _CREATE_HEAD.match(s.line):
        start = s.word_at(m.end())
    elif m := _SOMEONE_MUST.match(s.line):
        assignee = s.person(s.typed(*s.group(m, "who")))
        if assignee is None:
            return None
        start = s.word_at(m.end())
    if start is None or start >= len(s.words):
        return None
    if start + 2 < len(s.words) and assignee is None:
        first = start + 1 if s.lows[start] == "for" else start
        if first + 1 < len(s.words) and s.lows[first + 1] == "to":
            who = s.person(s.words[first].text)
            if who is not None:  # "add a task for bob to check the projector"
                assignee, start = who, first + 2
    opts = read_options(s, start, len(s.words))
    _list_words(s, start, opts.used)
    title = title_of(s, start, len(s.words), opts.used)
    if not title:
        return Question("What should the task be called? For example: `add Book the venue due fri`.")
    if s.strict and _doubtful(s, start, opts.used):
        return None
    args: dict[str, Any] = {"title": title, **opts.args}
    if assignee is not None and "assignee" not in args:
        args["assignee"] = assignee
    if "estimate" in args or "repeat" in args:
        pass  # the tools of the estimates and repeats issues take these; the offline model says if they can't
    return [Call("create_task", args)]
