"""Questions and navigation: list and count tasks, search, history, projects, undo.

"show me all the overdue stuff", "how many tasks does sam have", "where's the task about invoices", "what did
bob do this week", "what's in website relaunch", "switch to Launch", "undo that".
"""

from __future__ import annotations

import re
from typing import Any

from core import refs
from core.understanding.calls import Call, Understanding
from core.understanding.named import Rule, named_tasks
from core.understanding.sentence import Sentence
from core.understanding.when import find_due

_UNDO = re.compile(
    r"^(?:(?:oops|whoops|oh no|damn|argh|never ?mind|nvm|sorry|my bad|wait|no|nope|ugh|actually)(?: |$))*"
    r"(?:undo(?: undo)*|revert|roll back|rollback|ctrl-z|ctrl ?\+ ?z|cmd-z|cmd ?\+ ?z|reverse|take back"
    r"|put back|go back|"
    r"take (?:that|it|this) back|roll (?:that|it|this) back)"
    r"(?: (?:that|it|this|that change|the last (?:change|thing|action|one|edit|step)|my last (?:change"
    r"|action|edit|"
    r"step)|last change|last action|last step|what (?:you|i) just did|the last thing you did|the change|"
    r"that last (?:change|one|edit|action|step)"
    r"|my change))?"
    r"(?: (?:back|please|pls))*$"
    r"|^take (?:that|it) back$|^(?:oops|whoops)$"
)
_LIST_PROJECTS = re.compile(
    r"^(?:(?:list|show|see|view|display|give me|get me|what are|which are|tell me)(?: me)?(?: all| my| the"
    r"| our| of"
    r"| your| current| existing| active)* projects\b.*"
    r"|(?:what|which) projects\b.*|projects|all projects|(?:do we|do i) have (?:any )?projects.*"
    r"|any projects.*|how many projects.*|(?:got|have we got|have you got) any projects.*|projects list"
    r"|.*\b(?:what|which) projects (?:we|i|you|there|are|do|have)\b.*"
    r"|(?:give me|gimme|show me|show|get me|what's|whats|what is)? ?(?:the |our |my )?(?:project list"
    r"|list of projects)"
    r"|(?:what|which) (?:projects?|project) (?:are|is|do|have) (?:there|we|i).*)$"
)
_USE = re.compile(
    r"^(?:use|switch to|switch over to|switching to|switching over to|go to|change to|focus on|let's work on|"
    r"lets work on|work in|"
    r"i'm working on|im working on|i am working on|set (?:the )?(?:active |current |default )?project to|"
    r"change (?:the )?project to|put new tasks in|new tasks go (?:in|to)|from now on use|work on|work in|"
    r"switch (?:the )?project to|set my (?:current |active |default )?project to|make (?P<name2>.+?) the "
    r"(?:current|active|default) project)(?: the)?(?: project)?"
    r" (?P<name>.+?)(?: project| for now| from now on| now| please)?$"
)
_STOP_USING = re.compile(
    r"^(?:stop using|don't use|do not use|leave|exit|use no|no) (?:the |any |a )?(?:project|projects|.+)$"
)
_SHOW_PROJECT = re.compile(
    r"^(?:show|open|view|display|what(?:'s| is) in|whats in|what's left in|what is left in|how(?:'s| is)"
    r"|hows|"
    r"status of|progress (?:on|of)|overview of|give me an overview of|tell me about|what's up with|"
    r"what's happening (?:in|with)|what's going on (?:in|with)|where are we (?:at )?(?:on|with)|summary of|"
    r"(?:give me |gimme |what's |whats |what is )?(?:a |an |the )?(?:rundown|state|recap|update|status"
    r"|overview|"
    r"summary|breakdown) (?:of|on|for)|"
    r"summarize|summarise|report on)(?: me)?(?: the)?(?: project)? (?P<name>.+?)"
    r"(?: project)?(?: doing| going| looking| coming along| status| progress)?$"
)
_COUNT = re.compile(
    r"^(?:how many|count|number of|total number of|what's the number of|the number of|"
    r"how much (?:is |are |work is |stuff is )?(?:left|remaining|open|outstanding|to do))\b"
)
_SEARCH = re.compile(
    r"^(?:find|search(?: for)?|look for|look up|lookup|locate|hunt for|dig up|grep(?: for)?|"
    r"where(?!(?: are| is) we\b)(?:'s| is| are| did i put)|(?:do we|do i|have we) (?:have|got) (?:anything"
    r"|something)|"
    r"is there (?:anything|something)|"
    r"wheres|where|is there (?:a|any|an) (?:task|todo|item)|do we have (?:a|any) (?:task|tasks|todo)|"
    r"do i have (?:a|any) (?:task|tasks|todo)|any (?:task|tasks|todos|thing|things)|"
    r"(?:can you )?find me|which task (?:is|was|mentions|talks about|has)|what was the task|"
    r"tasks? (?:about|mentioning|containing|with the words?|that mention|related to"
    r"|regarding))\b(?P<rest>.*)$"
)
_SEARCH_FILLER = frozenset(
    "the a an task tasks todo todos item items thing things about on for with regarding mentioning mention "
    "containing related to that which is was are there any anything something called named titled i we put "
    "have has one ones me my our word words mentions mentioned says said where where's wheres for title "
    "in name them it anything everything stuff with".split()
)
_HISTORY = re.compile(
    r"\b(?:(?:activity|history|log|changes) (?:for|of|by) (?P<who4>\S+)|history|activity|log|changelog"
    r"|audit|what(?:'s| has| have)? (?:changed|happened)|what changed|"
    r"what(?:'s| has) been (?:done|going on)|recent changes|latest changes|what's new|whats new|"
    r"changes|updates|who (?:changed|did|completed|finished|touched|edited|updated|moved|deleted|closed)|"
    r"anything (?:change|changed|happen|happened|new)|what(?:'s| has) (?P<who5>\S+) (?:done|been doing"
    r"|been up to)|"
    r"what (?:did|has|have) (?P<who>\S+(?: \S+)??) (?:do|done|change|changed|been up to|been doing|work on|"
    r"worked on)|what (?:has|is) (?P<who2>\S+) been up to|what (?P<who3>i|we|\S+) (?:did|changed"
    r"|worked on))\b"
)
_SINCE = [
    (re.compile(r"\btoday\b|\bthis morning\b|\bsince this morning\b"), "today"),
    (re.compile(r"\byesterday\b"), "yesterday"),
    (
        re.compile(r"\blast week\b|\bpast week\b|\blast 7 days\b|\bthis week\b|\bthe week\b|\bweek\b"),
        "this week",
    ),
    (re.compile(r"\blast (?P<n>\d+) days\b|\bpast (?P<n2>\d+) days\b"), None),
    (re.compile(r"\bthis month\b|\blast month\b|\bpast month\b"), "this month"),
]
_TASKISH = re.compile(
    r"\b(?:due|overdue|late|behind|tasks?|todos?|to-dos?|plate|open|left|pending|working on|assigned|"
    r"finished|done|completed|stuff|things|items|work|agenda|list|backlog|deadlines?|upcoming|outstanding|"
    r"on (?:me|him|her|them)|doing|have|got|everything|did i (?:finish|complete|close|do)|unassigned|"
    r"unowned|nobody's|no one's)\b"
)
_QUESTION = re.compile(
    r"^(?:what|what's|whats|which|show|list|any|anything|do i have|does|do|is there|are there|tell me"
    r"|give me|"
    r"get me|see|view|display|gimme|where are|my|all|everything|overdue|open|pending|upcoming|outstanding|"
    r"remaining|late|who|how about|can i see|let me see|i want to see|lemme see|check|whats|todos|pull up|"
    r"tasks|due|whos|who's|has|have)\b"
)
_MINE = re.compile(
    r"\b(?:my|mine|i have|i've got|ive got|am i|on me|i'm on|i own|me|i need to do|do i|i got|for me)\b"
)


def rules() -> list[Rule]:
    """The rules of this module, in the order they are tried."""
    return [_undo, _list_projects, _stop_using, _use, _count, _history, _search, _show_project, _list]


def _undo(s: Sentence) -> Understanding:
    return [Call("undo")] if _UNDO.match(s.line) else None


def _list_projects(s: Sentence) -> Understanding:
    return [Call("list_projects")] if _LIST_PROJECTS.match(s.line) else None


def _stop_using(s: Sentence) -> Understanding:
    if _STOP_USING.match(s.line) is None:
        return None
    if s.line.split()[-1] in ("project", "projects") or s.project(" ".join(s.line.split()[2:])) is not None:
        return [Call("use_project", {"name_or_ref": "none"})]
    return None


def _use(s: Sentence) -> Understanding:
    if (m := _USE.match(s.line)) is None:
        return None
    i, j = s.group(m, "name")
    if s.lows[i:j] in (["none"], ["nothing"], ["no", "project"]):
        return [Call("use_project", {"name_or_ref": "none"})]
    project = s.project_of_words(i, j)
    return [Call("use_project", {"name_or_ref": project.name})] if project else None


_PROJECT_FIRST = re.compile(
    r"^project(?: (?:details|info|status|overview|summary|report|progress))?(?: (?:for|of|on"
    r"|about))? (?P<name>.+)$"
)


def _show_project(s: Sentence) -> Understanding:
    if (m := _SHOW_PROJECT.match(s.line) or _PROJECT_FIRST.match(s.line)) is None:
        return None
    i, j = s.group(m, "name")
    project = s.project_of_words(i, j)
    return [Call("show_project", {"name_or_ref": project.name})] if project else None


def _count(s: Sentence) -> Understanding:
    if not _COUNT.match(s.line):
        return None
    return [Call("count_tasks", filters(s))]


def _search(s: Sentence) -> Understanding:
    if (m := _SEARCH.match(s.line)) is None:
        return None
    i, _ = s.group(m, "rest") if m["rest"] else (len(s.words), len(s.words))
    words = [w.bare for w, low in zip(s.words[i:], s.lows[i:], strict=True) if low not in _SEARCH_FILLER]
    words = [w.strip("?!.,") for w in words if w.strip("?!.,")]
    if not words:
        return None
    return [Call("search_tasks", {"text": " ".join(words)})]


def _history(s: Sentence) -> Understanding:
    if (m := _HISTORY.search(s.line)) is None:
        return None
    args: dict[str, Any] = {}
    group = next((g for g in ("who", "who2", "who3", "who4", "who5") if m[g]), None)
    who = s.person(s.typed(*s.group(m, group))) if group else None
    if who is not None:
        args["person"] = who
    elif group in ("who", "who2", "who3", "who5"):
        return None
    elif re.search(r"\b(?:my|i|me)\b", s.line) and not re.search(
        r"\bshow me\b|\btell me\b|\bgive me\b", s.line
    ):
        args["person"] = "me"
    for word in s.words:
        if refs.mentioned_ids(word.text) or word.text.startswith("@"):
            who = s.person(word.text.lstrip("@"))
            if who:
                args["person"] = who
    numbers = s.refs_in(0, len(s.words))
    if numbers:
        args["task"] = refs.format_task(numbers[0])
    else:
        target = _history_target(s, m)
        if target is not None:
            args.update(target)
    for pattern, value in _SINCE:
        if found := pattern.search(s.line):
            if value is None:
                n = found["n"] or found["n2"]
                args["since"] = f"{n} days ago"
            else:
                args["since"] = value
            break
    return [Call("activity", args)]


def _history_target(s: Sentence, m: re.Match[str]) -> dict[str, str] | None:
    """ "history of the pricing task", "what happened in Launch": a task or project after the keyword."""
    tail = re.search(
        r"^(?: (?:of|on|to|for|in|with|about))?(?: the)? (?P<x>.+?)(?: today| yesterday| this week"
        r"| last week)?$",
        s.line[m.end() :],
    )
    if tail is None:
        return None
    start = m.end() + tail.start("x")
    i, j = s.span(start, m.end() + tail.end("x"))
    project = s.project_of_words(i, j)
    if project is not None:
        return {"project": project.name}
    found = named_tasks(s, i, j, "activity", {}, closed=True, several=False)
    if isinstance(found, list):
        return {"task": refs.format_task(found[0])}
    return None


def _list(s: Sentence) -> Understanding:
    if not (_QUESTION.match(s.line) and _TASKISH.search(s.line)) and not _owner(s):
        return None
    return [Call("list_tasks", filters(s))]


def _owner(s: Sentence) -> str | None:
    """ "sam's tasks", "what is sam working on", "<@U1> tasks"."""
    if m := re.search(
        r"^(?:what(?:'s| is)|whats|what are) (?P<who>\S+(?: \S+)??) (?:working on|doing|up to|on)\b", s.line
    ):
        return s.person(s.typed(*s.group(m, "who")))
    if m := re.search(r"(?P<who>\S+)'s? (?:tasks|todos|plate|list|stuff|work|queue|assignments)\b", s.line):
        typed = s.typed(*s.group(m, "who"))
        # "marias tasks": a possessive without its apostrophe
        return s.person(typed) or (s.person(typed[:-1]) if typed.lower().endswith("s") else None)
    return None


def filters(s: Sentence) -> dict[str, Any]:
    """The list filters a question states: overdue, whose, which project, due when, done or open, text."""
    line = s.line
    args: dict[str, Any] = {}
    if re.search(r"\b(?:overdue|late|past due|past their due|behind|missed|slipped|behind schedule)\b", line):
        args["overdue"] = True
    asked = re.sub(r"^(?:show|tell|give|get|let) me\b|\b(?:show|tell|give|get|let) me\b", "", line)
    owner = _owner(s)
    if owner is not None:
        args["assignee"] = owner
    else:
        for word in s.words:
            if refs.is_mention_token(word.text) or (word.text.startswith("@") and len(word.text) > 1):
                who = s.person(word.text.lstrip("@") if word.text.startswith("@") else word.text)
                if who:
                    args["assignee"] = who
                    break
        else:
            if m := re.search(r"\b(?:assigned to|for|does|did|has|have|of) (?P<who>\S+)\b", line):
                who = s.person(s.typed(*s.group(m, "who")))
                if who is not None:
                    args["assignee"] = who
            if "assignee" not in args and _MINE.search(asked):
                args["assignee"] = "me"
    if re.search(r"\b(?:unassigned|nobody's|no one's|without an? (?:owner|assignee))\b", line):
        args["assignee"] = "none"
    if (
        re.search(
            r"\b(?:finished|done|completed|closed|did (?:i|we|you) (?:finish|complete|do|close)|have (?:i"
            r"|we) (?:finished|done))\b",
            line,
        )
        and "overdue" not in args
        and not re.search(
            r"\bnot (?:done|finished|completed)\b|\bto be done\b|\bget (?:it |them )?done\b|\bneed to\b"
            r"|\bstill\b",
            line,
        )
    ):
        args["status"] = "done"
    elif re.search(r"\b(?:all|everything|including (?:done|closed|finished))\b", line) and re.search(
        r"\b(?:including|even|closed ones|done ones|and closed|and done)\b", line
    ):
        args["status"] = "all"
    _due_filters(s, args)
    project = _project_filter(s)
    if project:
        args["project"] = project
    if m := re.search(r"\b(?:tagged|with (?:the )?tag|labell?ed)\s+#?\+?(?P<tag>[\w-]+)", line):
        args["tag"] = m["tag"]
    elif tags := [w.text[1:] for w in s.words if w.text.startswith("+") and len(w.text) > 1]:
        args["tag"] = tags[0]
    quoted = [w.bare for w in s.words if w.quoted]
    if quoted:
        args["text"] = quoted[0]
    elif m := re.search(
        r"\b(?:about|mentioning|containing|with the word|regarding|related to|called|named|titled)\s+"
        r"(?P<text>.+?)$",
        line,
    ):
        i, j = s.group(m, "text")
        if s.project_of_words(i, j) is None:
            args["text"] = s.typed(i, j).strip("\"'?.! ")
    return args


def _due_filters(s: Sentence, args: dict[str, Any]) -> None:
    line = s.line
    if re.search(r"\b(?:this week|by the end of the week|end of (?:the )?week|eow|rest of the week)\b", line):
        args["due_before"] = "this sunday"
        return
    if re.search(r"\bnext week\b", line):
        args["due_after"] = "next monday"
        args["due_before"] = "next sunday"
        return
    due = find_due(s.words, s.tz, s.now)
    if due is None:
        return
    before_words = s.lows[max(0, due.start - 1) : due.start + 1]
    value = due.value
    if value in ("tonight", "eod"):
        value = "today"
    if "after" in before_words or (due.start > 0 and s.lows[due.start - 1] in ("after", "from", "since")):
        args["due_after"] = value
    else:
        args["due_before"] = value


def _project_filter(s: Sentence) -> str | None:
    found = _project_by_preposition(s)
    if found is not None:
        return found
    for k, low in enumerate(s.lows):  # "the wedding stuff", "launch tasks"
        if low not in ("stuff", "tasks", "todos", "items", "things", "work", "ones"):
            continue
        for start in range(max(0, k - 3), k):
            project = s.project_of_words(start, k)
            if project is not None:
                return project.name
    return None


def _project_by_preposition(s: Sentence) -> str | None:
    for word in s.words:
        if word.text.startswith("#") and len(word.text) > 1 and refs.task_number(word.text) is None:
            project = s.project(word.text[1:])
            return project.name if project else word.text[1:]
    for k, low in enumerate(s.lows):
        if low not in ("in", "for", "on", "of", "under", "from", "within"):
            continue
        first = k + 1
        while first < len(s.words) and s.lows[first] in ("the", "project", "proj"):
            first += 1
        for stop in range(min(len(s.words), first + 4), first, -1):
            project = s.project_of_words(first, stop)
            if project is not None:
                return project.name
    return None
