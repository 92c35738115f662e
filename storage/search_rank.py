"""How well a task matches a search: one rule and one ranking shared by every backend, so all three agree.

A backend narrows the rows with its own index (or a scan of a few columns) and hands the candidates here.
The rule works word by word, case-folded: a query word matches a word of the title, description or tags when
it is equal, a prefix of it (3+ letters: "invoice" finds "invoices"), inside it (4+ letters), or a typo of it
(optimal string alignment distance, so a swap of two letters counts once: one edit for words of 4 to 6
letters, two from 7 on; "invocies" finds "invoices", "recieve" finds "receive"). A task's score is the mean
over the query's words of its best weighted word score; the title counts most, then tags, then description.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import process
from rapidfuzz.distance import OSA

# Letters and digits; "_" and everything else separate words, as in SQLite's and PostgreSQL's tokenizers.
_WORD = re.compile(r"[^\W_]+")

TITLE_WEIGHT = 1.0
TAG_WEIGHT = 0.9
DESCRIPTION_WEIGHT = 0.8
PHRASE_BONUS = 0.2  # the whole query, as typed, inside the title
BAND = 0.1  # scores this close count as a tie, and an open task goes before a closed one


def words(text: str) -> list[str]:
    """The case-folded words of ``text``."""
    return _WORD.findall(text.casefold())


def allowed_edits(word: str) -> int:
    """How many typos a query word of this length may carry and still match."""
    if len(word) < 4:
        return 0
    return 1 if len(word) < 7 else 2


def word_score(query_word: str, word: str) -> float:
    """How well one query word matches one word of a task: 0 (not at all) to 1 (equal)."""
    if word == query_word:
        return 1.0
    if len(query_word) >= 3 and word.startswith(query_word):
        return 0.9
    if len(query_word) >= 4 and query_word in word:
        return 0.75
    edits = allowed_edits(query_word)
    if edits and abs(len(word) - len(query_word)) <= edits:
        distance = OSA.distance(query_word, word, score_cutoff=edits)
        if distance <= edits:
            return 0.8 - 0.1 * distance
    return 0.0


@dataclass
class SearchText:
    """A parsed search: its words, and a memo of how each word seen so far scores against them."""

    text: str
    query: list[str] = field(init=False)
    phrase: str = field(init=False)
    _memo: dict[str, tuple[float, ...]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        found = words(self.text)
        longer = [w for w in found if len(w) > 1]
        self.query = list(dict.fromkeys(longer or found))  # one-letter words only when nothing else
        self.phrase = " ".join(found)

    def __bool__(self) -> bool:
        return bool(self.query)

    def scores_of(self, word: str) -> tuple[float, ...]:
        """Per query word, how well ``word`` matches it."""
        hit = self._memo.get(word)
        if hit is None:
            hit = self._memo[word] = tuple(word_score(q, word) for q in self.query)
        return hit

    def matching(self, vocabulary: pa.Array) -> list[str]:
        """The terms of a vocabulary (distinct raw words of an index or of scanned rows) that match at least
        one query word.

        Plain ASCII terms (most of them) are checked vectorised: containment in arrow, typos by rapidfuzz's
        batch edit distance over just the terms of a near length. The rest (other scripts, punctuation) go
        through the tokenizer one by one, so "Straße" matches "strasse" and "invoices," matches "invoices".
        """
        vocabulary = vocabulary.cast(pa.string())
        simple = pc.and_(pc.string_is_ascii(vocabulary), pc.ascii_is_alnum(vocabulary)).fill_null(False)
        easy = pc.filter(vocabulary, simple)
        folded = pc.ascii_lower(easy)
        lengths = pc.utf8_length(folded)
        hits: set[str] = set()
        for q in self.query:
            maybe = pc.filter(easy, pc.match_substring(folded, q)).to_pylist()
            edits = allowed_edits(q)
            if edits:
                near = pc.and_(
                    pc.greater_equal(lengths, len(q) - edits), pc.less_equal(lengths, len(q) + edits)
                )
                close_terms = pc.filter(easy, near).to_pylist()
                close = process.extract(
                    q, close_terms, scorer=OSA.distance, processor=str.lower, score_cutoff=edits, limit=None
                )
                maybe.extend(term for term, _, _ in close)
            hits.update(term for term in maybe if any(self.scores_of(term.lower())))
        for term in pc.filter(vocabulary, pc.invert(simple)).to_pylist():
            if term and any(any(self.scores_of(word)) for word in words(term)):
                hits.add(term)
        return sorted(hits)


# -- ranking a table of candidates, vectorised with arrow ----------------------------------------------------

# What ``rank_table`` ranks; ``tags`` is a list of strings, or any text holding them (a JSON array).
CANDIDATE_COLUMNS = ["id", "number", "title", "description", "tags", "is_open"]
_SEPARATORS = r"[^\p{L}\p{N}]+"  # what separates words (RE2), for the phrase check on titles


def _tokens(column: pa.ChunkedArray | pa.Array) -> pa.ListArray:
    """Raw words of each row, split on whitespace only: ``SearchText.matching`` tokenizes what is left."""
    split = pc.ascii_split_whitespace(column.fill_null(""))
    return split.combine_chunks() if isinstance(split, pa.ChunkedArray) else split


def _tag_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """The tags of each row as one text: a list is joined; a JSON text (from SQL) is taken as it is."""
    if pa.types.is_list(column.type) or pa.types.is_large_list(column.type):
        return pc.binary_join(column, " ")
    return column


def _term_scores(search: SearchText, terms: Sequence[str]) -> list[list[float]]:
    """Per query word, each term's best score over the words it holds."""
    out = [[0.0] * len(terms) for _ in search.query]
    for j, term in enumerate(terms):
        for word in words(term):
            for i, s in enumerate(search.scores_of(word)):
                out[i][j] = max(out[i][j], s)
    return out


def rank_table(search: SearchText, table: pa.Table, *, limit: int) -> list[str]:
    """Ids of the best ``limit`` matching rows of ``table`` (``CANDIDATE_COLUMNS``), best first."""
    return pc.take(table.column("id"), rank_positions(search, table, limit=limit)).to_pylist()


def rank_positions(search: SearchText, table: pa.Table, *, limit: int) -> pa.Array:
    """Positions in ``table`` (``CANDIDATE_COLUMNS``) of its best ``limit`` matching rows, best first.

    A row's score is the mean over the query words of the best weighted score any word of its title, tags or
    description gets, plus ``PHRASE_BONUS`` when the whole query stands in the title; rows scoring 0 are left
    out. Order: score band (``BAND``) high to low, then open before closed, then score, then number.
    """
    if not table.num_rows or not search or limit <= 0:
        return pa.array([], pa.int64())
    fields = [
        (TITLE_WEIGHT, _tokens(table.column("title"))),
        (TAG_WEIGHT, _tokens(_tag_text(table.column("tags")))),
        (DESCRIPTION_WEIGHT, _tokens(table.column("description"))),
    ]
    vocabulary = pc.unique(pa.chunked_array([pc.list_flatten(tokens) for _, tokens in fields]))
    terms = search.matching(vocabulary)
    if not terms:
        return pa.array([], pa.int64())
    term_array = pa.array(terms, pa.string())
    scores = _term_scores(search, terms)
    parts = []
    for weight, tokens in fields:
        where = pc.index_in(pc.list_flatten(tokens), value_set=term_array)
        hit = pc.is_valid(where)
        at = pc.filter(where, hit)
        part = {"row": pc.filter(pc.list_parent_indices(tokens), hit)}
        for i, per_term in enumerate(scores):
            part[f"s{i}"] = pc.take(pa.array([s * weight for s in per_term], pa.float64()), at)
        parts.append(pa.table(part))
    best = pa.concat_tables(parts).group_by("row").aggregate([(f"s{i}", "max") for i in range(len(scores))])
    total = best.column("s0_max")
    for i in range(1, len(scores)):
        total = pc.add(total, best.column(f"s{i}_max"))
    score = pc.divide(total, float(len(scores)))
    rows = best.column("row")
    if search.phrase:
        titles = pc.replace_substring_regex(
            pc.utf8_lower(pc.take(table.column("title"), rows)), _SEPARATORS, " "
        )
        bonus = pc.if_else(pc.match_substring(titles, search.phrase), PHRASE_BONUS, 0.0)
        score = pc.add(score, bonus.fill_null(0.0))
    keyed = pa.table(
        {
            "band": pc.floor(pc.add(pc.divide(score, BAND), 1e-9)),
            "closed": pc.invert(pc.take(table.column("is_open"), rows)),
            "score": score,
            "number": pc.take(table.column("number"), rows),
            "row": rows,
        }
    )
    order = pc.sort_indices(
        keyed,
        sort_keys=[
            ("band", "descending"),
            ("closed", "ascending"),
            ("score", "descending"),
            ("number", "ascending"),
        ],
    )
    return pc.take(keyed.column("row"), order[:limit])
