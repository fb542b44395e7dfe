"""Words and white space of a text of any length, without a list of all its words.

``" ".join(text.split())`` and ``len(text.split())`` build a list of every word: for the
4,000,000 characters of a hostile text node (``NEWSCRAWL_EXTRACT_MAX_TEXT_CHARS``) that is
800,000 strings, about 50 MB, in each of the steps that fold or count the body. The functions
here read a text in pieces of :data:`PIECE_CHARS` cut at white space, so that no word spans two
pieces: they give the same results, and a long text costs a piece's words at a time. A text of
one piece (nearly every page's) is read as before, without setting up the pieces: these
functions run for every text node and block of a page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

#: Characters of one piece; a piece ends at the first white space after it.
PIECE_CHARS = 65_536
_SPACE = re.compile(r"\s")  # the characters str.split() and str.isspace() take for white space


def pieces(text: str, size: int = PIECE_CHARS) -> Iterator[str]:
    """``text`` in pieces of at least ``size`` characters, each but the last ending where white
    space starts, so that no word spans two pieces.

    >>> list(pieces("one two three", 2)), list(pieces("short", 10)), list(pieces("", 10))
    (['one', ' two', ' three'], ['short'], [''])
    """
    start = 0
    while len(text) - start > size:
        space = _SPACE.search(text, start + size)
        if space is None:
            break
        yield text[start:space.start()]
        start = space.start()
    yield text[start:]


def fold_spaces(text: str) -> str:
    """``" ".join(text.split())``: runs of white space made one space, none at either end.

    >>> fold_spaces("  a\\n\\t b \\u00a0"), fold_spaces(" \\n ")
    ('a b', '')
    >>> long = "\\n word " * PIECE_CHARS
    >>> fold_spaces(long) == " ".join(long.split())
    True
    """
    if len(text) <= PIECE_CHARS:  # one piece, nearly every text: no generators to set up
        return " ".join(text.split())
    return " ".join(folded for piece in pieces(text) if (folded := " ".join(piece.split())))


def count_words(text: str) -> int:
    """``len(text.split())``: the words of ``text``, split on white space.

    >>> count_words("Three short words"), count_words(" one  two " * PIECE_CHARS), count_words("")
    (3, 131072, 0)
    """
    if len(text) <= PIECE_CHARS:
        return len(text.split())
    return sum(len(piece.split()) for piece in pieces(text))


def count_visible(text: str) -> int:
    """``len("".join(text.split()))``: the characters of ``text`` other than white space.

    >>> count_visible("two words\\n and ")
    11
    """
    if len(text) <= PIECE_CHARS:
        return len("".join(text.split()))
    return sum(len("".join(piece.split())) for piece in pieces(text))
