"""
Search over the published articles: one small interface, a real full-text engine underneath.

    search(query, page)        what the search page shows: ranked results, a page at a time
    index_version(version)     put a live version in the index (publishing calls it)
    index_remove(condition_id) take an article out of the index (unpublishing calls it)
    index_rebuild()            rewrite the whole index from the live versions

The index is the SearchEntry table: for each live article, its names (name and other names), its
summary and the plain text of every section and treatment, taken from the live version's snapshot.
The engine is SQLite's FTS5 (a virtual table over SearchEntry, kept up to date by triggers: see
SQLITE_SCHEMA) or, on PostgreSQL, `django.contrib.postgres.search` over a stored, weighted
`vector` column with a GIN index. Both stem English words, so "spasms" finds "spasm" and
"twitching" finds "twitch", and both ignore case.

How a query is read, the same on both engines:
- Only its words count (letters and digits): quotes, `*`, brackets and the like are dropped, and
  every word is passed on as a quoted phrase, so nothing a patient types is engine syntax (FTS5
  would otherwise read `NEAR`, `OR`, `"` and `*` as operators). At most MAX_WORDS words.
- Synonyms that editors keep in the admin (Synonym): a word or phrase of a synonym group stands
  for any term of the group, so "botox" also finds "botulinum toxin".
- Every word (or its synonyms) must be found, in any order, anywhere in the article.
- Ranking: articles whose names hold every word come first, then those whose names and summary
  hold them, then the rest; within each, by the engine's relevance.
"""

import functools
import html
import json
import operator
import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorExact,
)
from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Max, Value, When
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from conditions.models import PublishedVersion, SearchEntry, Synonym

PER_PAGE = 10
MAX_WORDS = 8
# Where a match starts and ends in a snippet: characters no article contains (Unicode private
# use), swapped for <mark> once the rest of the text is escaped.
MARK_START, MARK_END = "\ue000", "\ue001"
SNIPPET_WORDS = 24
# Words: letters and digits (in any script). Everything else in a query is dropped.
WORD = re.compile(r"[^\W_]+")
POSTGRES_CONFIG = "english"

# SQLite: the FTS5 index over SearchEntry's three searched columns ("external content": the text
# stays in SearchEntry), with the Porter stemmer. The triggers keep it in step with every insert,
# update and delete of SearchEntry, whoever makes them, as the SQLite documentation shows
# (https://sqlite.org/fts5.html#external_content_tables). A migration that rebuilds the
# conditions_searchentry table on SQLite drops its triggers: run these statements again after it
# (`manage.py rebuild_search_index` does).
# (The SQL names the tables itself rather than through variables: nothing in it is built at run time.)
SQLITE_SCHEMA = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS conditions_searchentry_fts USING fts5(
        names, summary, body,
        content='conditions_searchentry', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )""",
    """CREATE TRIGGER IF NOT EXISTS conditions_searchentry_fts_insert
        AFTER INSERT ON conditions_searchentry BEGIN
        INSERT INTO conditions_searchentry_fts(rowid, names, summary, body)
        VALUES (new.id, new.names, new.summary, new.body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS conditions_searchentry_fts_delete
        AFTER DELETE ON conditions_searchentry BEGIN
        INSERT INTO conditions_searchentry_fts(conditions_searchentry_fts, rowid, names, summary, body)
        VALUES ('delete', old.id, old.names, old.summary, old.body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS conditions_searchentry_fts_update
        AFTER UPDATE ON conditions_searchentry BEGIN
        INSERT INTO conditions_searchentry_fts(conditions_searchentry_fts, rowid, names, summary, body)
        VALUES ('delete', old.id, old.names, old.summary, old.body);
        INSERT INTO conditions_searchentry_fts(rowid, names, summary, body)
        VALUES (new.id, new.names, new.summary, new.body);
    END""",
]
SQLITE_SCHEMA_DROP = [
    "DROP TRIGGER IF EXISTS conditions_searchentry_fts_insert",
    "DROP TRIGGER IF EXISTS conditions_searchentry_fts_delete",
    "DROP TRIGGER IF EXISTS conditions_searchentry_fts_update",
    "DROP TABLE IF EXISTS conditions_searchentry_fts",
]

# A unit of a query: the alternatives any one of which must be found, each a phrase (its words).
Unit = list[tuple[str, ...]]


@dataclass(frozen=True)
class SearchResult:
    name: str
    url: str
    other_names: list[str]
    snippet: SafeString


@dataclass(frozen=True)
class SearchPage:
    query: str
    searched: bool  # False when the query had no words to search for
    results: list[SearchResult]
    page: Page
    words: list[str] = field(default_factory=list)


# --- Searching -----------------------------------------------------------------------------------


def search(query: str, page: int | str = 1) -> SearchPage:
    """The results for `query` on page `page` (a page past the end gives the last one). Four
    queries whatever the number of articles or matches: the synonyms, the ranked ids of every
    match, the page's snippets and the page's entries."""
    words = WORD.findall(query.casefold())[:MAX_WORDS]
    if not words:
        return SearchPage(query=query, searched=False, results=[], page=Paginator([], PER_PAGE).get_page(1))
    units = query_units(words, synonym_groups())
    engine = _postgres if connection.vendor == "postgresql" else _sqlite
    ranked = engine.ranked(units)
    page_of_ids = Paginator(ranked, PER_PAGE).get_page(page)
    tiers = dict(page_of_ids.object_list)
    snippets = engine.snippets(units, tiers) if tiers else {}
    entries = SearchEntry.objects.only("slug", "name", "also_known_as", "summary").in_bulk(list(tiers))
    results = [
        SearchResult(
            name=entry.name,
            url=entry.get_absolute_url(),
            other_names=entry.other_names,
            snippet=marked(snippets.get(pk) or entry.summary),
        )
        for pk in tiers
        if (entry := entries.get(pk)) is not None
    ]
    return SearchPage(query=query, searched=True, results=results, page=page_of_ids, words=words)


def synonyms_version() -> tuple[int, object]:
    """Names the synonyms in one aggregate query: how many, and when one last changed."""
    synonyms = Synonym.objects.aggregate(count=Count("id"), changed=Max("updated_at"))
    return synonyms["count"], synonyms["changed"]


def synonym_groups() -> list[list[str]]:
    return [Synonym(terms=terms).term_list for terms in Synonym.objects.values_list("terms", flat=True)]


def word_key(word: str) -> str:
    """A word as synonyms are matched: lower case, a plural's final "s" or "es" dropped (the
    engines do the real stemming; this only lets "spasms" pick the synonyms of "spasm")."""
    word = word.casefold()
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def query_units(words: list[str], groups: list[list[str]]) -> list[Unit]:
    """The query's words as units, each with its alternatives: at each place, the longest term of
    a synonym group that the words there spell gives the whole group; any other word stands alone."""
    terms: list[tuple[tuple[str, ...], list[tuple[str, ...]]]] = []
    for group in groups:
        phrases = [tuple(WORD.findall(term.casefold())) for term in group]
        phrases = [phrase for phrase in phrases if phrase]
        terms += [(tuple(map(word_key, phrase)), phrases) for phrase in phrases]
    terms.sort(key=lambda term: len(term[0]), reverse=True)
    keys = [word_key(word) for word in words]
    units: list[Unit] = []
    i = 0
    while i < len(words):
        for term_keys, phrases in terms:
            if tuple(keys[i : i + len(term_keys)]) == term_keys:
                own = tuple(words[i : i + len(term_keys)])
                units.append(list(dict.fromkeys([own, *phrases])))
                i += len(term_keys)
                break
        else:
            units.append([(words[i],)])
            i += 1
    return units


def marked(text: str) -> SafeString:
    """The snippet as HTML: everything escaped, then only the match markers become <mark>."""
    escaped = escape(text)
    if escaped.count(MARK_START) != escaped.count(MARK_END):  # (cut short: never an open tag)
        escaped = escaped.replace(MARK_START, "").replace(MARK_END, "")
    return mark_safe(escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))  # noqa: S308


class _SQLite:
    """FTS5: a MATCH expression of quoted phrases, one column filter per ranking tier."""

    @staticmethod
    def expression(units: list[Unit]) -> str:
        # Words hold only letters and digits (WORD), so a quoted phrase can never hold a quote.
        return " AND ".join(
            "(" + " OR ".join('"' + " ".join(phrase) + '"' for phrase in unit) + ")" for unit in units
        )

    def ranked(self, units: list[Unit]) -> list[tuple[int, int]]:
        match = self.expression(units)
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT rowid,
                    CASE WHEN rowid IN (SELECT rowid FROM conditions_searchentry_fts WHERE conditions_searchentry_fts MATCH %s) THEN 0
                         WHEN rowid IN (SELECT rowid FROM conditions_searchentry_fts WHERE conditions_searchentry_fts MATCH %s) THEN 1
                         ELSE 2 END AS tier
                FROM conditions_searchentry_fts WHERE conditions_searchentry_fts MATCH %s
                ORDER BY tier, bm25(conditions_searchentry_fts, 10.0, 5.0, 1.0), rowid""",
                [f"{{names}} : ({match})", f"{{names summary}} : ({match})", match],
            )
            return cursor.fetchall()

    def snippets(self, units: list[Unit], tiers: dict[int, int]) -> dict[int, str]:
        with connection.cursor() as cursor:
            # Column -1: FTS5 takes the snippet from the column that matches best.
            cursor.execute(
                """SELECT rowid, snippet(conditions_searchentry_fts, -1, %s, %s, '…', %s)
                FROM conditions_searchentry_fts WHERE conditions_searchentry_fts MATCH %s
                AND rowid IN (SELECT value FROM json_each(%s))""",
                [MARK_START, MARK_END, SNIPPET_WORDS, self.expression(units), json.dumps(list(tiers))],
            )
            return dict(cursor.fetchall())


class _PostgreSQL:
    """django.contrib.postgres.search: phrase queries against the stored, weighted vector."""

    @staticmethod
    def query(units: list[Unit]) -> SearchQuery:
        def unit_query(unit: Unit) -> SearchQuery:
            phrases = [SearchQuery(" ".join(p), search_type="phrase", config=POSTGRES_CONFIG) for p in unit]
            return functools.reduce(operator.or_, phrases)

        return functools.reduce(operator.and_, map(unit_query, units))

    @staticmethod
    def tier(query: SearchQuery) -> Case:
        in_names = SearchVector("names", config=POSTGRES_CONFIG)
        in_names_or_summary = SearchVector("names", "summary", config=POSTGRES_CONFIG)
        return Case(
            When(SearchVectorExact(in_names, query), then=Value(0)),
            When(SearchVectorExact(in_names_or_summary, query), then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )

    def ranked(self, units: list[Unit]) -> list[tuple[int, int]]:
        query = self.query(units)
        return list(
            SearchEntry.objects.filter(vector=query)
            .annotate(tier=self.tier(query), rank=SearchRank(F("vector"), query))
            .order_by("tier", "-rank", "pk")
            .values_list("pk", "tier")
        )

    def snippets(self, units: list[Unit], tiers: dict[int, int]) -> dict[int, str]:
        query = self.query(units)
        # The snippet comes from where the words were found (the tier), like FTS5's best column.
        where = Case(
            When(pk__in=[pk for pk, tier in tiers.items() if tier == 0], then=F("names")),
            When(pk__in=[pk for pk, tier in tiers.items() if tier == 1], then=F("summary")),
            default=F("body"),
        )
        headline = SearchHeadline(
            where,
            query,
            config=POSTGRES_CONFIG,
            start_sel=MARK_START,
            stop_sel=MARK_END,
            max_words=SNIPPET_WORDS,
            min_words=SNIPPET_WORDS // 2,
        )
        return dict(
            SearchEntry.objects.filter(pk__in=list(tiers))
            .annotate(headline=headline)
            .values_list("pk", "headline")
        )


_sqlite = _SQLite()
_postgres = _PostgreSQL()


# --- Keeping the index ---------------------------------------------------------------------------


def entry_fields(version) -> dict:
    """What the index holds of a live version: from the version's columns and snapshot only."""
    snapshot = version.snapshot
    texts = [_plain(section["body_html"]) for section in snapshot.get("sections", [])]
    for treatment in snapshot.get("treatments", []):
        texts += [treatment["name"] + ".", treatment["verdict"] + ".", _plain(treatment["body_html"])]
    return {
        "condition_id": version.condition_id,
        "version_id": version.pk,
        "slug": version.slug,
        "name": version.name,
        "also_known_as": version.also_known_as,
        "names": _clean(", ".join([version.name, version.also_known_as]).strip(", ")),
        "summary": _clean(version.summary),
        "body": _clean("\n".join(texts)),
    }


def index_version(version) -> None:
    """Put a version that has just gone live in the index, in place of the article's last one."""
    fields = entry_fields(version)
    condition_id = fields.pop("condition_id")
    entry, _ = SearchEntry.objects.update_or_create(condition_id=condition_id, defaults=fields)
    if connection.vendor == "postgresql":
        SearchEntry.objects.filter(pk=entry.pk).update(vector=postgres_vector())


def index_remove(condition_id: int) -> None:
    """Take an article that is no longer on the site out of the index."""
    SearchEntry.objects.filter(condition_id=condition_id).delete()


def index_rebuild(*, entry_model=SearchEntry, version_model=PublishedVersion) -> int:
    """Rewrite the whole index from the live versions; returns how many articles it holds. The
    models can be a migration's historical ones (migration 0010 fills the index with this)."""
    with transaction.atomic():
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                for statement in SQLITE_SCHEMA:
                    cursor.execute(statement)
        entry_model.objects.all().delete()
        live = version_model.objects.filter(is_live=True).order_by("pk")
        entry_model.objects.bulk_create(
            (entry_model(**entry_fields(version)) for version in live.iterator(chunk_size=200)),
            batch_size=200,
        )
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                # Re-reads every entry: repairs an index that got out of step (say, triggers lost).
                cursor.execute(
                    "INSERT INTO conditions_searchentry_fts(conditions_searchentry_fts) VALUES ('rebuild')"
                )
        elif connection.vendor == "postgresql":
            entry_model.objects.update(vector=postgres_vector())
        return entry_model.objects.count()


def postgres_vector() -> SearchVector:
    """Names weigh most (A), then the summary (B), then the text (D)."""
    return (
        SearchVector("names", weight="A", config=POSTGRES_CONFIG)
        + SearchVector("summary", weight="B", config=POSTGRES_CONFIG)
        + SearchVector("body", weight="D", config=POSTGRES_CONFIG)
    )


def _plain(rendered: str) -> str:
    return html.unescape(strip_tags(rendered))


def _clean(text: str) -> str:
    # No match markers in the indexed text, and single spaces (snippets read as running text).
    return " ".join(text.replace(MARK_START, "").replace(MARK_END, "").split())
