"""Kazakh typography: the defects of digital Kazakh text, found in one place, and the fixes that are safe.

Every rule here looks at one string and yields `Defect`s: where, a short stable code, a message,
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
from dataclasses import dataclass
from typing import Any

from .kazakh import ALPHABET

NBSP = "\u00a0"
_SP = "[ \u00a0]"
_LETTER = r"[^\W\d_]"
KAZAKH_UPPER = ALPHABET
KAZAKH_LOWER = KAZAKH_UPPER.lower()
_UPPER = KAZAKH_UPPER + "A-Z"
_LOWER = KAZAKH_LOWER

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


# --- letters -------------------------------------------------------------------------------------

_LATIN_TO_CYRILLIC = dict(zip("aeopcxykhiəɵAEOPCXKHBMTIYƏƟ", "аеорсхукһіәөАЕОРСХКНВМТІУӘӨ", strict=True))
_LATIN_TO_CYRILLIC_FRONT = {"y": "ү", "Y": "Ү"}  # y is у in a back-vowel word, ү in a front one
_CYRILLIC_TO_LATIN = dict(zip("аеорсхуіһАВЕКМНОРСТХІУҮ", "aeopcxyihABEKMHOPCTXIYY", strict=True))
_ROMAN_LETTERS = str.maketrans("ХІ", "XI")
_ROMAN = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
_LEGACY = "¤¥¦§¨©¬®¯±´¶¸¹¼½¾¿"
"""Symbols that stand in for Kazakh letters in text from legacy 8-bit fonts (`Б¥¥` for БҰҰ)."""
_TOKEN = re.compile(rf"(?:{_LETTER}|[{_LEGACY}])+")
_FRONT = set("әөүі")


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def _is_latin(ch: str) -> bool:
    return ch.isascii() or ch in "əƏɵƟ"


def _scripts(text: str) -> Iterator[Defect]:
    """K101/K102/K103: a word that mixes scripts or carries letters Kazakh does not have."""
    if not _SUSPECT.search(text):
        return  # the common case, found in one pass
    for match in _TOKEN.finditer(text):
        word, at = match.group(), match.start()
        if not any(_is_cyrillic(ch) for ch in word):
            continue
        strange = [i for i, ch in enumerate(word) if ch in _LEGACY or (_is_cyrillic(ch) and ch not in _KAZAKH)]
        roman = word.translate(_ROMAN_LETTERS)
        if strange:
            yield Defect(
                at + strange[0],
                at + strange[-1] + 1,
                "K103",
                f"«{word}» has letters Kazakh does not use",
                hint="legacy 8-bit text? e.g. Б¥¥ is БҰҰ",
            )
        elif len(word) > 1 and _ROMAN.fullmatch(roman):
            yield _replace(word, at, roman, "K102", f"Roman numeral «{word}» typed with Cyrillic letters")
        elif any(_is_latin(ch) for ch in word):
            yield from _mixed_word(word, at, [i for i, ch in enumerate(word) if _is_latin(ch)])


_KAZAKH = set(KAZAKH_UPPER + KAZAKH_LOWER)
_NOT_KAZAKH = "".join(chr(c) for c in range(0x400, 0x500) if chr(c) not in _KAZAKH and chr(c).isalpha())
_SUSPECT = re.compile(
    rf"[A-Za-zəƏɵƟ][Ѐ-ӿ]|[Ѐ-ӿ][A-Za-zəƏɵƟ]|[{_LEGACY}{_NOT_KAZAKH}]|(?<!{_LETTER})[IVXLCDMХІ]*[ХІ][IVXLCDMХІ]*(?!{_LETTER})"
)
"""Text where a word may mix scripts, carry a foreign letter or be a Cyrillic Roman numeral."""


def _mixed_word(word: str, at: int, latin: list[int]) -> Iterator[Defect]:
    if latin == list(range(len(latin))) and any(word[i] not in _LATIN_TO_CYRILLIC for i in latin):
        return  # a Latin name with a Kazakh ending (Googleда): a style question, not a typo
    if len(latin) * 2 <= len(word):
        front = bool(set(word.lower()) & (_FRONT | {"е"}))
        table = _LATIN_TO_CYRILLIC | (_LATIN_TO_CYRILLIC_FRONT if front else {})
        fixed = "".join(table.get(ch, ch) if _is_latin(ch) else ch for ch in word)
        message = f"Latin letters inside the Cyrillic word «{word}»"
    else:
        fixed = "".join(ch if _is_latin(ch) else _CYRILLIC_TO_LATIN.get(ch, ch) for ch in word)
        message = f"Cyrillic letters inside the Latin word «{word}»"
    yield _replace(word, at, fixed, "K101", message)


def _replace(word: str, at: int, fixed: str, code: str, message: str) -> Defect:
    """A defect covering only the letters that change, so its column points at the first; no fix
    when a letter has no look-alike in the other script."""
    changed = [i for i, (a, b) in enumerate(zip(word, fixed, strict=True)) if a != b] or [0, len(word) - 1]
    first, last = changed[0], changed[-1] + 1
    if any(_is_latin(ch) for ch in fixed) and any(_is_cyrillic(ch) for ch in fixed):
        return Defect(at + first, at + last, code, message, hint="a letter has no look-alike: retype the word")
    return Defect(at + first, at + last, code, message, fixed[first:last])


_CONSONANT_VOWEL = re.compile(r"[кгКГ](?=[ұҰ])|(?<![^\W\d_])[кгКГ](?=[ыЫ])|[қғҚҒ](?=[іәөүІӘӨҮ])")
_C = "[бвгғджзйклмнңпрстуфхһцчшщъьқ]*"
_HARMONY = re.compile(rf"ұ{_C}[әөүі]|о{_C}[әөү]|[үө]{_C}[ыұ]|ә{_C}ы")
"""Vowel pairs native Kazakh words never have: ұ then ә ө ү і, о then ә ө ү, ү/ө then ы ұ, ә then ы."""
_HARMONY_EXCEPTIONS = ("оңтүст", "солтүст")
"""Compounds that break harmony by right (оңтүстік 'south', солтүстік 'north')."""
_WORD = re.compile(rf"{_LETTER}+")


def _kazakh_letters(text: str) -> Iterator[Defect]:
    """K111/K112: a Russian letter typed for a Kazakh one, found by what Kazakh never writes.

    Kept deliberately narrow, because loans with Kazakh endings break every broader rule
    (қазір, кітап, Орскіде, өзара, көшбасшы, қыркүйек are all correct):
    - K111: к/г before ұ, or word-initial к/г before ы (Kazakh writes қ/ғ with back vowels,
      Russian never writes кы/гы), and қ/ғ before a front vowel.
    - K112: the vowel after ұ is front (ә ө ү і), the vowel after о is ә ө ү, the vowel after
      ү/ө is ы/ұ, or the vowel after ә is ы. This catches Ұ typed for Ү (Бұкіл) and О for Ө.
    """
    for hit in _CONSONANT_VOWEL.finditer(text):
        letter, word = hit.group(), _word_at(text, hit.start())
        other = {"к": "қ", "г": "ғ", "қ": "к", "ғ": "г"}[letter.lower()]
        message = f"«{letter}» before «{text[hit.end()]}» in «{word.group()}»"
        yield Defect(hit.start(), hit.end(), "K111", message, hint=f"{other}?")
    lower, done = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text), -1  # İ lowers to 2
    for hit in _HARMONY.finditer(lower):
        word = _word_at(text, hit.start())
        if word.start() > done and not lower[word.start() :].startswith(_HARMONY_EXCEPTIONS):
            done = word.start()
            message = f"«{word.group()}» mixes back and front vowels ({hit.group()[0]} then {hit.group()[-1]})"
            yield Defect(word.start(), word.end(), "K112", message, hint="Ұ/Ү, О/Ө, Ы/І mistyped? (Бұкіл → Бүкіл)")


def _word_at(text: str, index: int) -> re.Match[str]:
    """The word that holds text[index]."""
    start = index
    while start and (text[start - 1].isalpha()):
        start -= 1
    match = _WORD.match(text, start)
    assert match is not None
    return match


_SOFT_FOR_HARD = re.compile(
    r"(?<![^\W\d_])(?:[Сс]ь(?=ез)|[Оо]бь(?=ект|ем|ём|един|яв|ясн)|[Пп]одь(?=ез|ем)|[Рр]азь(?=ез|яс)|[Оо]ть(?=ез))"
)
"""Russian prefixes before е/ё/я take ъ: съезд, объект, подъезд (not сьезд). A short list, so
that Вьетнам, Сьерра and the like are never touched."""


def _hard_sign(text: str) -> Iterator[Defect]:
    """K113: ь typed for ъ after a prefix (сьезі → съезі)."""
    for match in _SOFT_FOR_HARD.finditer(text):
        yield Defect(match.end() - 1, match.end(), "K113", "ь after a prefix where Russian spelling has ъ", "ъ")


# --- dashes ----------------------------------------------------------------------------------------

_NUMBER = r"\d+(?:[.,]\d+)?"
_RANGES = (
    re.compile(rf"(?<![\w.,-]){_NUMBER}(-){_NUMBER}(?![.,]?\d)(?!-\d)"),
    re.compile(r"(?<![\w-])[IVXLCDM]+(-)[IVXLCDM]+(?![\w-])"),
)
_SPACED_RANGE = re.compile(rf"(?<![\d.,])({_NUMBER}){_SP}+([-–—]){_SP}+({_NUMBER})(?![.,]?\d)")
_ARITHMETIC = re.compile(rf"[=+×÷*/<>]{_SP}*$|^{_SP}*[=+×÷*/<>]")


def _dashes(text: str) -> Iterator[Defect]:
    """K201-K205: hyphens where a dash belongs, and ranges written with a hyphen or spaces."""
    for pattern in _RANGES:
        for match in pattern.finditer(text):
            if match.group()[0].isdigit() or all(_ROMAN.fullmatch(part) for part in match.group().split("-")):
                yield Defect(match.start(1), match.end(1), "K203", "a range takes an en dash, not a hyphen", "–")
    for match in _SPACED_RANGE.finditer(text):
        arithmetic = _ARITHMETIC.search(text[: match.start()]) or _ARITHMETIC.search(text[match.end() :])
        if match.group(2) != "-" or not arithmetic:  # 5 - 3 = 2 is a minus
            yield Defect(match.end(1), match.start(3), "K204", "a range takes an en dash without spaces", "–")
    for match in re.finditer(rf"(?<=\S){_SP}+(--?){_SP}+(?=\S)", text):
        if not (text[match.start() - 1].isdigit() and text[match.end()].isdigit()):  # digits: K204
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
    return re.sub(rf"(?<=\S){_SP}+[–—]{_SP}+", f"{NBSP}– ", text)


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
    # Brackets glued to a Kazakh word are a defect when they hold words, not a suffix: оқушы(лар) is
    # fine, and so is code such as alert(1).
    for match in re.finditer(
        rf"(?<=[{_LOWER}{KAZAKH_UPPER}\d])\(([^()]*)\)|\(([^()]*)\)(?=[{_LOWER}{KAZAKH_UPPER}])", text
    ):
        inside = match.group(1) if match.group(1) is not None else match.group(2)
        if " " not in inside and not inside[:1].isupper() and not inside[:1].isdigit():
            continue
        if match.group(1) is not None:
            yield Defect(match.start(), match.start(), "K303", "no space before «(»", " ")
        else:
            yield Defect(match.end(), match.end(), "K303", "no space after «)»", " ")


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
    _scripts,
    _kazakh_letters,
    _hard_sign,
    _dashes,
    _quotes,
    _spacing,
)
_FONT_CHARACTERS = str.maketrans({"\u202f": NBSP, "\u2009": NBSP, "\u2010": "-", "\u2011": "-"})
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
    text = unicodedata.normalize("NFC", text).translate(_FONT_CHARACTERS)  # й, not и + U+0306
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
