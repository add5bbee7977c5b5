"""Kazakh typography: the defects of digital Kazakh text, found in one place, and the fixes that are safe.

The rules for dashes, quotation marks and spacing are here; those for the letters themselves
are in `letters.py`, and what a defect is in `defects.py`. Every rule looks at one string and
yields `Defect`s: where, a short stable code, a message,
and, when a machine can decide, the replacement (`fix`). `booklet lint` reports them all with
their place in the YAML file; `normalise` applies the fixes when a lesson is loaded, then sets
the no-break spaces a careful Kazakh publisher sets (before a dash, inside initials, between a
number and its unit). The rules follow ../shared/kazakh/README.md; where one is a house choice
or a heuristic, the rule says so.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any

from . import letters
from .defects import KAZAKH_LOWER, KAZAKH_UPPER, LETTER, NBSP, SPACE, Defect

_SP = SPACE
_LETTER = LETTER
_UPPER = KAZAKH_UPPER + "A-Z"
_LOWER = KAZAKH_LOWER

# --- dashes ----------------------------------------------------------------------------------------

_NUMBER = r"\d+(?:[.,]\d+)?"
_RANGES = (
    re.compile(rf"(?<![\w.,-]){_NUMBER}(-){_NUMBER}(?![.,]?\d)(?!-\d)"),
    re.compile(r"(?<![\w-])[IVXLCDMХІ]+(-)[IVXLCDMХІ]+(?![\w-])"),  # ХІХ-ХХ typed in Cyrillic too
)
_SPACED_RANGE = re.compile(rf"(?<![\d.,])({_NUMBER}){_SP}+([-–—]){_SP}+({_NUMBER})(?![.,]?\d)")
_ARITHMETIC = re.compile(rf"[=+×÷*/<>]{_SP}*$|^{_SP}*[=+×÷*/<>]")


def _dashes(text: str) -> Iterator[Defect]:
    """K201-K205: hyphens where a dash belongs, and ranges written with a hyphen or spaces."""
    for pattern in _RANGES:
        for match in pattern.finditer(text):
            if match.group()[0].isdigit() or all(map(letters.is_roman, match.group().split("-"))):
                yield Defect(match.start(1), match.end(1), "K203", "a range takes an en dash, not a hyphen", "–")
    for match in _SPACED_RANGE.finditer(text):
        arithmetic = _ARITHMETIC.search(text[: match.start()]) or _ARITHMETIC.search(text[match.end() :])
        if match.group(2) != "-" or not arithmetic:  # 5 - 3 = 2 is a minus
            yield Defect(match.end(1), match.start(3), "K204", "a range takes an en dash without spaces", "–")
    for match in re.finditer(rf"(?<=\S){_SP}+(--?){_SP}+(?=\S)", text):
        if not (text[match.start() - 1].isdigit() and text[match.end()].isdigit()):  # digits: K204
            yield Defect(match.start(1), match.end(1), "K201", "a hyphen with spaces is a dash", "–")
    for match in re.finditer(rf"(?<=\S){_SP}+(--?)(?={_SP}*\r?\n)", text):  # ірісі -⏎соңғысы, in a block
        if not (text[match.start() - 1].isdigit() and text[match.end() :].lstrip()[:1].isdigit()):
            yield Defect(match.start(1), match.end(1), "K201", "a hyphen with spaces is a dash", "–")
    for match in re.finditer(rf"(?<={_LETTER})--(?={_LETTER})", text):
        yield Defect(match.start(), match.end(), "K201", "a double hyphen is a dash", " – ")
    for match in re.finditer(rf"(?<={_LETTER}) +-(?={_LETTER})", text):
        yield Defect(match.end() - 1, match.end(), "K201", "a hyphen with a space on one side", hint="сөз – сөз?")
    for match in re.finditer(rf"(?<={_LETTER}[ \u00a0])-(?=\d)", text):
        yield Defect(
            match.start(),
            match.end(),
            "K202",
            "a hyphen before a number reads as a minus",
            hint="« – 43%» for a dash, «−43» for a minus",
        )
    for match in re.finditer(rf"(?<![^\W\d_-])[{_LOWER}]{{3,}}(-)[{KAZAKH_UPPER}]", text):
        yield Defect(match.start(1), match.end(1), "K205", "a hyphen before a capitalised word", hint="a dash: « – »?")


def _space_dashes(text: str) -> str:
    """A dash between words: en dash, a no-break space before it, a space after (house style)."""
    text = re.sub(r"(?m)^—(?=[ \u00a0])", "–", text)  # a dialogue dash at the start of a line
    text = re.sub(rf"(?<=\S){_SP}+[–—](?={_SP}*(?:\r?\n|$))", f"{NBSP}–", text)  # ends a line: keep what follows
    return re.sub(rf"(?<=\S){_SP}+[–—]{_SP}+(?=\S)", f"{NBSP}– ", text)


# --- quotation marks -------------------------------------------------------------------------------

_OPEN_AFTER = set("([{«„“–—-/*") | {" ", "\u00a0", "\n", "\t"}
_CLOSE_BEFORE = set(".,;:!?)]}»…–—-/*%") | {" ", "\u00a0", "\n", "\t"}


def _quotes(text: str) -> Iterator[Defect]:
    """K211/K212: «…» outside, „…“ inside. Straight quotes are paired by what stands around them;
    when a string's quotes do not pair up, only the English marks are changed."""
    roles = _quote_roles(text)
    if roles is None:
        yield from _unpaired_quotes(text)
        return
    for index, wanted in roles:
        if text[index] != wanted:
            code = "K211" if text[index] == '"' else "K212"
            what = "straight" if code == "K211" else ("nested" if wanted in "„“" else "English")
            yield Defect(index, index + 1, code, f"{what} quotation mark: Kazakh uses «…», and „…“ inside", wanted)


def _quote_roles(text: str) -> list[tuple[int, str]] | None:
    """The mark every quotation mark should be, or None when the marks do not pair up."""
    stack: list[int] = []  # the open quotations, as indices into `text`
    wanted: dict[int, str] = {}
    for index, ch in enumerate(text):
        if ch not in '"«»„“”':
            continue
        if _opens(text, index, text[stack[-1]] if stack else None):
            wanted[index] = "„" if stack else "«"
            stack.append(index)
        elif stack:
            wanted[index] = "»" if wanted[stack.pop()] == "«" else "“"
        else:
            return None
    return None if stack else sorted(wanted.items())


def _opens(text: str, index: int, innermost: str | None) -> bool:
    """Whether the quotation mark at `index` opens a quotation (else it closes one)."""
    ch = text[index]
    if ch in "«„»”":
        return ch in "«„"
    if ch == "“":  # opens in English, closes „ in Kazakh and Russian
        return innermost != "„"
    before = text[index - 1] if index else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    can_open = before in _OPEN_AFTER and not after.isspace()
    can_close = not before.isspace() and after in _CLOSE_BEFORE
    return can_open if can_open != can_close else innermost is None


def _unpaired_quotes(text: str) -> Iterator[Defect]:
    english = "„" not in text
    for index, ch in enumerate(text):
        if ch == '"':
            yield Defect(index, index + 1, "K211", "straight quotation mark without a partner", hint="«…»")
        elif english and ch in "“”":
            yield Defect(index, index + 1, "K212", "English quotation mark: Kazakh uses «…»", "«" if ch == "“" else "»")


# --- spacing ---------------------------------------------------------------------------------------

_GLUED_UNITS = rf"млн|млрд|мың|км|сом|жыл|жж?(?:\.|(?!{_LETTER}))"
_NBSP_UNITS = re.compile(
    rf"(?<=\d){_SP}(?=(?:жж?\.|ғғ?\.)(?!{_LETTER})|(?:мың|сом|теңге|доллар|шақырым)"
    rf"|(?:млн|млрд|км|см|мм|кг|га|тг)(?!\w)|[мтгцл](?![\w.]))"
)
"""A number and the unit or abbreviation after it: 1931 ж., 200 млн, 10 мыңнан, 70 км-ге."""


def _spacing(text: str) -> Iterator[Defect]:
    """K301-K310: spaces missing, doubled or misplaced."""
    yield from _glued(text)
    for match in re.finditer(rf"(?<=\S){_SP}{{2,}}(?=\S)", text):
        yield Defect(match.start(), match.end(), "K304", "double space", " ")
    for match in re.finditer(rf"(?<=\S){_SP}+(?=[,;:!?)»]|\.(?!\.)(?!\d))", text):
        yield Defect(match.start(), match.end(), "K305", "space before punctuation", "")
    for match in re.finditer(rf"(?<=[(«]){_SP}+(?=\S)", text):
        yield Defect(match.start(), match.end(), "K303", "space after an opening bracket or quote", "")
    for match in re.finditer(rf"(?<=\d){_SP}+(?=%(?!\}}))", text):  # not {% if 1 %}
        yield Defect(match.start(), match.end(), "K306", "Kazakh writes the percent sign glued: 19,8%", "")
    for match in re.finditer(rf"(?<!\w)[{KAZAKH_UPPER}]\.(?=[{KAZAKH_UPPER}])", text):
        yield Defect(match.end(), match.end(), "K307", "initials are written with spaces: Ф. И. Голощекин", " ")
    for match in re.finditer(rf"(?<!\w)[{KAZAKH_UPPER}](:)(?=[{KAZAKH_UPPER}][{_LOWER}])", text):
        yield Defect(match.start(1), match.end(1), "K307", "a colon after an initial", hint="Ж. Мыңбаев")
    for match in re.finditer(rf"(?<={_LETTER})\.\.(?!\.)", text):
        yield Defect(match.start(), match.end(), "K308", "doubled full stop", ".")
    for match in re.finditer(rf"(?<=\d)(?={_GLUED_UNITS})", text):
        yield Defect(match.start(), match.end(), "K309", "a number and its unit take a space: 200 млн", " ")
    for match in re.finditer(rf"(?<!{_LETTER})(?:млн|млрд)(\.)({_SP}*)(?=(\S?))", text):
        spaced, follows = match.group(2), match.group(3)
        if not spaced and follows.isalpha():
            fix = " "  # 200 млн.сом
        else:
            fix = "" if (spaced and (follows.islower() or follows.isdigit())) or follows in tuple(",;:)»") else None
        yield Defect(match.start(1), match.end(1), "K310", "млн and млрд take no full stop", fix, hint="млн")


def _glued(text: str) -> Iterator[Defect]:
    after_word = rf"(?<=[{_LOWER}]{{2}})([.!?](?=[{_UPPER}\d])|[,;:](?=[{_LOWER}{KAZAKH_UPPER}\d]))"
    for match in re.finditer(after_word, text):
        yield Defect(match.end(), match.end(), "K301", f"no space after «{match.group()}»", " ")
    for match in re.finditer(rf"(?<=[{_LOWER}]{{3}})(?=\d)|(?<![\d.,])\d{{1,2}}\.(?=[{KAZAKH_UPPER}])", text):
        yield Defect(match.end(), match.end(), "K301", "a word and a number glued together", " ")
    for match in re.finditer(rf"[»”](?={_LETTER})", text):
        yield Defect(
            match.end(),
            match.end(),
            "K303",
            "no space after a closing quotation mark",
            hint="«Баку» мұнай, or «Баку»-ның",
        )
    for match in re.finditer(rf"[{_LOWER}]{{5}}([{KAZAKH_UPPER}])(?=[{_LOWER}])", text):
        yield Defect(
            match.start(1),
            match.start(1),
            "K302",
            "a capital letter inside a word",
            hint="a heading glued to the sentence? «түсті. Кіші»",
        )
    # Brackets glued to a Kazakh word are a defect when they hold a word, not a suffix: оқушы(лар) is
    # fine, and so is code such as alert(1). A pair may span lines: what is inside may hold a line break.
    for match in re.finditer(
        rf"(?<=[{_LOWER}{KAZAKH_UPPER}\d])\(([^()]*)\)|\(([^()]*)\)(?=[{_LOWER}{KAZAKH_UPPER}])", text
    ):
        if match.group(1) is not None:
            if not letters.ENDINGS.fullmatch(match.group(1)):  # құрылыс(жоба), болуы(халықтың 90%-ы)
                yield Defect(match.start(), match.start(), "K303", "no space before «(»", " ")
        elif re.search(r"\s", match.group(2)) or match.group(2)[:1].isupper() or match.group(2)[:1].isdigit():
            yield Defect(match.end(), match.end(), "K303", "no space after «)»", " ")  # (қайта)құру is a prefix


def _nbsp(text: str) -> str:
    """No-break spaces inside initials and between them and the surname (either side), and
    between a number and its unit (200 млн сом kept whole)."""
    text = re.sub(rf"(?<![\w.])([{_UPPER}]\.){_SP}(?=[{_UPPER}])", rf"\1{NBSP}", text)
    surname_first = rf"(?<!\w)([{_UPPER}][{_LOWER}a-z]+){_SP}(?=[{_UPPER}]\.{_SP}?[{_UPPER}]\.(?!{_SP}?[{_UPPER}]))"
    text = re.sub(surname_first, rf"\1{NBSP}", text)  # Голощекин Ф. И., but not «Ол» in «Ол И. В. Сталин»
    text = re.sub(rf"(?<!\w)(млн|млрд){_SP}(?=\d|сом|теңге|доллар)", rf"\1{NBSP}", text)
    text = _NBSP_UNITS.sub(NBSP, text)
    text = re.sub(rf"(?<![\w])([IVXLCDM]+){_SP}(?=ғғ?\.)", rf"\1{NBSP}", text)
    return re.sub(r"(?<![\d.,])(\d{1,3}) (?=\d{3}(?![\d.,]?\d))", rf"\1{NBSP}", text)


# --- the whole --------------------------------------------------------------------------------------

RULES: tuple[Callable[[str], Iterator[Defect]], ...] = (
    *letters.RULES,
    _dashes,
    _quotes,
    _spacing,
)
FONT_CHARACTERS = str.maketrans({"\u202f": NBSP, "\u2009": NBSP, "\u2010": "-", "\u2011": "-"})
"""Characters the bundled PT fonts lack, mapped to ones they have (see the reference's Fonts)."""


def defects(text: str) -> list[Defect]:
    """Every defect in `text`, in order of position."""
    return sorted((d for rule in RULES for d in rule(text)), key=lambda d: (d.start, d.end, d.code))


def safe_fixes(found: list[Defect]) -> list[Defect]:
    """The defects of `found` that have a fix, leaving out any that overlaps one before it."""
    chosen, taken = [], 0
    for defect in sorted(found, key=lambda d: (d.start, d.end, d.code)):
        if defect.fix is not None and defect.start >= taken:
            chosen.append(defect)
            taken = max(defect.end, defect.start + 1)
    return chosen


def apply_fixes(text: str, found: list[Defect]) -> str:
    """`text` with the safe fixes among `found` made."""
    parts, at = [], 0
    for defect in safe_fixes(found):
        parts += [text[at : defect.start], defect.fix]
        at = defect.end
    return "".join([*parts, text[at:]])


def normalise(text: str) -> str:
    """`text` as a careful Kazakh publisher prints it: every safe fix applied, «…» and „…“
    quotes, en dashes in ranges, a no-break space before a dash, inside initials and between a
    number and its unit, composed letters (NFC) and only characters the bundled fonts have.
    Idempotent; Markdown structure (list markers, emphasis) and hyphens in compounds are left
    as they are."""
    text = unicodedata.normalize("NFC", text).translate(FONT_CHARACTERS)  # й, not и + U+0306
    for _ in range(4):  # a fix can uncover another (1931-1934ж: the range, then the unit)
        fixed = apply_fixes(text, defects(text))
        if fixed == text:
            break
        text = fixed
    return _nbsp(_space_dashes(text))


NOT_TEXT = frozenset({"id", "type", "src", "table", "language", "labels", "script", "lessons"})
"""Keys whose values are names or codes, not text to print: normalise_content leaves them."""


def normalise_content(data: Any, skip: frozenset[str] = NOT_TEXT) -> Any:
    """`data` (as read from YAML) with every string normalised, except values under `skip` keys."""
    if isinstance(data, str):
        return normalise(data)
    if isinstance(data, list):
        return [normalise_content(item, skip) for item in data]
    if isinstance(data, dict):
        return {key: value if key in skip else normalise_content(value, skip) for key, value in data.items()}
    return data
