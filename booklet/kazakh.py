"""Kazakh alphabet facts that more than one stage needs."""

from __future__ import annotations

ALPHABET = "АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯ"
"""The 42 Cyrillic letters in collation order (code-point order is wrong: Ұ < Ү, І < Ь)."""

_RANK = {letter: rank for rank, letter in enumerate(ALPHABET)}
_RANK.update({letter.lower(): rank for letter, rank in list(_RANK.items())})


def sort_key(text: str) -> tuple[tuple[int, int], ...]:
    """Key that orders words as a Kazakh dictionary does; letters outside the alphabet sort after it."""
    return tuple((0, _RANK[ch]) if ch in _RANK else (1, ord(ch.lower())) for ch in text)
