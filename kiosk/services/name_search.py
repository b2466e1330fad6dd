"""Finding requests by what a clerk typed: a NIK among applicants and the
people requests are about, or the words of their names.

A name is searched by the words in the name_word table (the applicant's and
those of the child, the deceased, the family moving): each typed word must
begin a word of the name or, from INFIX_MIN letters, appear inside one where
the database has a trigram index (data/name_index.py). A rare word is read
by id; a word shared by thousands of names is checked row by row as the
queue pages walk the requests in order.
"""

import operator
from functools import reduce

import peewee as pw

from kiosk.data import name_index
from kiosk.data.db import db
from kiosk.data.models import NameWord, Submission
from kiosk.domain.search import INFIX_MIN
from kiosk.services import request_details


def nik_match(nik):
    """Requests of the applicant with this NIK or naming that person (the
    child, the deceased, someone moving): one set of ids read through the
    two NIK indexes (an OR of the two conditions would keep PostgreSQL from
    using either)."""
    applicants = Submission.select(Submission.id).where(Submission.nik == nik)
    return Submission.id.in_(applicants | request_details.with_subject_nik(nik))


# Up to this many requests found by a name search are read by their ids and
# sorted; more, and the queue is walked in its own order (see name_match).
FEW_MATCHES = 3_000


def name_match(words, number=None):
    """Requests whose name has, for each typed word, a word starting with it,
    or holding it for a word of INFIX_MIN letters or more where the database
    has a trigram index (and the one with tracking `number`, for nine letters
    that may be one).

    The typed words are counted through the (word, submission) index alone
    (or the trigram index, for a word found inside words) and the rarest
    leads: its matches on that index give the candidates, and the other
    words are checked through the (submission, word) key. Then:
    - a typed word begins fewer than FEW_MATCHES stored words: the page reads
      the requests it leads to by their ids and sorts those few;
    - several common words: their requests are collected through the indexes
      alone, and if there are fewer than FEW_MATCHES the page reads those
      ids and sorts them;
    - otherwise, with FEW_MATCHES or more matches: the page walks the queue
      in its own order, through the same indexes as without a search,
      checking each request through the (submission, word) key until the page
      is full. That many matches make the walk short: about 17,000 rows for
      the rarest at a million requests.
    """
    if not words:
        return Submission.number == number
    # Several words are told apart further: the rarest is the shortest lead.
    limit = FEW_MATCHES if len(words) == 1 else 10 * FEW_MATCHES
    counts = {word: _word_entries(word, limit) for word in words}
    words = sorted(words, key=counts.get)  # stable: the longest of equals first
    # The number joins the ids as one more (an OR beside a subquery would
    # keep PostgreSQL from using either index).
    numbered = Submission.select(Submission.id).where(Submission.number == number)
    if counts[words[0]] < FEW_MATCHES:
        found = _requests_with(words)
        return Submission.id.in_(found | numbered if number else found)
    if len(words) > 1:
        found = _ids(_requests_with(words).limit(FEW_MATCHES))
        if len(found) < FEW_MATCHES:
            return Submission.id.in_(found + (_ids(numbered) if number else []))
    walk = reduce(operator.and_, [_has_word(Submission.id, word) for word in words])
    return walk | (Submission.number == number) if number else walk


def _word_entries(word, limit):
    """How many stored words `word` matches, counted up to `limit`.

    A word that begins FEW_MATCHES words is counted by its range alone: it is
    common whether or not it is also found inside others, and counting those
    would read much of the trigram index."""
    begun = _words_matching(word, inside=False).limit(limit).count()
    if begun >= min(limit, FEW_MATCHES) or not _inside(word):
        return begun
    return _words_matching(word).limit(limit).count()


def infix_min():
    """How many letters a typed word needs to be found inside a word of a
    name, or None where the database has no trigram index."""
    return INFIX_MIN if name_index.available() else None


def _inside(word):
    """Whether `word` may match inside a stored word, not only at its start."""
    return len(word) >= INFIX_MIN and name_index.available()


def _words_matching(word, table=NameWord, inside=True):
    """Ids of requests with a stored word that `word` matches (the first
    column of the query): through the (word, submission) range of the words
    it begins, or the trigram index for the words it may be inside of
    (data/name_index.py). A request appears once per matching word."""
    if inside and _inside(word) and name_index.is_sqlite():
        trigrams = name_index.trigram_table()
        return trigrams.select(name_index.request_id(trigrams)).where(
            name_index.contains(trigrams, word)
        )
    condition = _word_match(word, table) if inside else _word_range(word, table)
    return table.select(table.submission).where(condition)


def _requests_with(words):
    """Ids of requests with a word matching each of `words`: the first word's
    matches, each of the others checked by key. (A request can appear twice,
    with two words that match alike.)"""
    query = _words_matching(words[0], NameWord.alias())
    found = query.selected_columns[0]
    checks = [_has_word(found, word) for word in words[1:]]
    return query.where(*checks) if checks else query


def _ids(query):
    # Thousands of single numbers: read without making a row object of each.
    return sorted({row[0] for row in db.execute_sql(*query.sql())})


def _has_word(submission_id, word):
    # Through the (submission, word) key: the few words of that one request.
    return pw.fn.EXISTS(
        NameWord.select(NameWord.word).where(
            (NameWord.submission == submission_id) & _word_match(word)
        )
    )


def _word_match(word, table=NameWord):
    if _inside(word):
        # LIKE '%...%' holds the prefix matches too; PostgreSQL's trigram
        # index serves it. A typed word has letters only (search_words), so
        # nothing in it is a LIKE wildcard. (Written out: peewee makes its
        # LIKE a GLOB on SQLite.)
        return pw.NodeList((table.word, pw.SQL("LIKE"), pw.Value(f"%{word}%")))
    return _word_range(word, table)


def _word_range(prefix, table=NameWord):
    # A range is a prefix match the index can serve (LIKE 'x%' cannot on
    # SQLite; the column compares by character code on PostgreSQL too).
    condition = table.word >= prefix
    upper = _above_every_name_starting(prefix)
    if upper:
        condition &= table.word < upper
    return condition


def _above_every_name_starting(prefix):
    """The least text above every text that starts with `prefix` ("" if none):
    its last character raised by one, skipping the surrogates no database can
    store; a last character that cannot be raised is dropped first."""
    while prefix:
        code = ord(prefix[-1]) + 1
        if 0xD800 <= code <= 0xDFFF:
            code = 0xE000
        if code <= 0x10FFFF:
            return prefix[:-1] + chr(code)
        prefix = prefix[:-1]
    return ""
