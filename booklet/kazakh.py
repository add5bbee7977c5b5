"""Kazakh alphabet facts that more than one stage needs."""

from __future__ import annotations

ALPHABET = "АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯ"
"""The 42 Cyrillic letters in collation order (code-point order is wrong: Ұ < Ү, І < Ь)."""

_RANK = {letter: rank for rank, letter in enumerate(ALPHABET)}
_RANK.update({letter.lower(): rank for letter, rank in list(_RANK.items())})


def sort_key(text: str) -> tuple[tuple[int, int], ...]:
    """Key that orders words as a Kazakh dictionary does: digits first, then the Kazakh
    letters in alphabet order, then anything else (Latin, punctuation) by code point."""
    return tuple(
        (1, _RANK[ch]) if ch in _RANK else (0, ord(ch)) if ch.isdigit() else (2, ord(ch.lower())) for ch in text
    )
