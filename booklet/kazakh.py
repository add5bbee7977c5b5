"""Kazakh alphabet and number facts that more than one stage needs."""

from __future__ import annotations

ALPHABET = "АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯ"
"""The 42 Cyrillic letters in collation order (code-point order is wrong: Ұ < Ү, І < Ь)."""

LATIN_ALPHABET = "AÄBDEFGĞHIİJKLMNÑOÖPQRSŞTUŪÜVYZ"
"""The 31 capitals of the 2021 Latin alphabet, in its order (İ i and I ı are two letters)."""

_RANK = {letter: rank for rank, letter in enumerate(ALPHABET)}
_RANK.update({letter.lower(): rank for letter, rank in list(_RANK.items())})
_RANK.update({letter: 100 + rank for rank, letter in enumerate(LATIN_ALPHABET)})


def fold(text: str) -> str:
    """Lower case the Kazakh way in both alphabets: İ → i and I → ı (Python's lower() makes
    both i), so that terms differing only in case are one glossary entry."""
    return text.replace("İ", "i").replace("I", "ı").lower()


_RANK.update({fold(letter): rank for letter, rank in list(_RANK.items()) if rank >= 100})
_IGNORED = set("«»„“”\"'()")
"""Quotes and brackets do not take part in ordering: «Кіші Қазан» sorts under К."""


def sort_key(text: str) -> tuple[tuple[int, int], ...]:
    """Key that orders words as a Kazakh dictionary does: a word before its longer compounds
    (a space or hyphen sorts first), digits, then the Kazakh letters in alphabet order, then
    anything else (Latin, punctuation) by code point."""
    return tuple(_rank(ch) for ch in text if ch not in _IGNORED)


def _rank(ch: str) -> tuple[int, int]:
    if ch in _RANK:
        return (2, _RANK[ch])
    if ch.isspace() or ch == "-":
        return (0, 0)
    if ch.isdigit():
        return (1, ord(ch))
    return (3, ord(ch.lower()))


def format_number(value: float) -> str:
    """A number as Kazakh prints it (CLDR `kk`): decimal comma, no-break space between groups
    of thousands, no trailing zeros: 19,8 · 43 · 1 500 · 2 137."""
    whole, _, fraction = f"{value:.6f}".rstrip("0").rstrip(".").partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    groups = []
    while len(digits) > 3:
        digits, tail = digits[:-3], digits[-3:]
        groups.insert(0, tail)
    grouped = "\u00a0".join([digits, *groups])
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"
