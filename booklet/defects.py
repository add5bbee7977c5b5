"""What a defect of digital Kazakh text is: its code, where it sits, and the fix when one is safe.

Shared by the letter rules (`letters.py`), the punctuation and spacing rules (`typography.py`)
and `booklet lint`, so that normalising at load and linting a file find the same things.
"""

from __future__ import annotations

from dataclasses import dataclass

from .kazakh import ALPHABET

NBSP = "\u00a0"
SPACE = "[ \u00a0]"
"""A space or a no-break space, in a regular expression."""
LETTER = r"[^\W\d_]"
"""Any letter of any alphabet, in a regular expression."""
KAZAKH_UPPER = ALPHABET
KAZAKH_LOWER = KAZAKH_UPPER.lower()

CODES = {
    "K101": "Latin letter inside a Cyrillic word (or the reverse)",
    "K102": "Roman numeral typed with Cyrillic letters",
    "K103": "character from another code page inside a word",
    "K111": "Russian к/г where Kazakh қ/ғ is likely (or the reverse)",
    "K112": "vowel harmony broken: a Kazakh letter mistyped?",
    "K113": "soft sign ь where the hard sign ъ belongs",
    "K201": "hyphen used as a dash",
    "K202": "hyphen before a number",
    "K203": "range written with a hyphen",
    "K204": "range written with spaces around the dash",
    "K205": "hyphen between a word and a capitalised word",
    "K211": "straight quotation mark",
    "K212": "English or wrongly nested quotation mark",
    "K301": "no space after punctuation (glued sentences)",
    "K302": "capital letter inside a word (glued heading?)",
    "K303": "spacing around brackets",
    "K304": "double space",
    "K305": "space before punctuation",
    "K306": "space between a number and %",
    "K307": "initials without spaces",
    "K308": "doubled full stop",
    "K309": "number glued to its unit",
    "K310": "full stop after млн/млрд",
}
"""Every code `booklet lint` can report, with what it means. Codes are stable: K1xx letters,
K2xx dashes and quotes, K3xx spacing."""


@dataclass(frozen=True)
class Defect:
    """One defect in a string: `text[start:end]` is wrong; `fix` replaces it when that is safe."""

    start: int
    end: int
    code: str
    message: str
    fix: str | None = None
    hint: str | None = None
    """What a person should consider when there is no safe fix."""
