"""Defects in the letters themselves: Latin look-alikes inside Cyrillic words, Roman numerals
typed in Cyrillic, legacy 8-bit characters, Russian letters where vowel harmony wants Kazakh
ones, ь for ъ. The rules are heuristics kept narrow on purpose (see each one); `booklet lint`
reports them, and `normalise` applies only the fixes that cannot be wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .defects import KAZAKH_LOWER, KAZAKH_UPPER, LETTER, Defect

_LATIN_TO_CYRILLIC = dict(zip("aeopcxykhiəɵAEOPCXKHBMTIYƏƟ", "аеорсхукһіәөАЕОРСХКНВМТІУӘӨ", strict=True))
_LATIN_TO_CYRILLIC_FRONT = {"y": "ү", "Y": "Ү"}  # y is у in a back-vowel word, ү in a front one
_CYRILLIC_TO_LATIN = dict(zip("аеорсхуіһАВЕКМНОРСТХІУҮ", "aeopcxyihABEKMHOPCTXIYY", strict=True))
_ROMANLETTERS = str.maketrans("ХІ", "XI")
ROMAN = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
_LEGACY = "¤¥¦§¨©¬®¯±´¶¸¹¼½¾¿"
"""Symbols that stand in for Kazakh letters in text from legacy 8-bit fonts (`Б¥¥` for БҰҰ)."""
_TOKEN = re.compile(rf"(?:{LETTER}|[{_LEGACY}])+")
_FRONT = set("әөүі")


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def _is_latin(ch: str) -> bool:
    return ch.isascii() or ch in "əƏɵƟ"


def scripts(text: str) -> Iterator[Defect]:
    """K101/K102/K103: a word that mixes scripts or carries letters Kazakh does not have."""
    if not _SUSPECT.search(text):
        return  # the common case, found in one pass
    for match in _TOKEN.finditer(text):
        word, at = match.group(), match.start()
        if not any(_is_cyrillic(ch) for ch in word):
            continue
        strange = [i for i, ch in enumerate(word) if ch in _LEGACY or (_is_cyrillic(ch) and ch not in _KAZAKH)]
        roman = word.translate(_ROMANLETTERS)
        if strange:
            yield Defect(
                at + strange[0],
                at + strange[-1] + 1,
                "K103",
                f"«{word}» has letters Kazakh does not use",
                hint="legacy 8-bit text? e.g. Б¥¥ is БҰҰ",
            )
        elif len(word) > 1 and ROMAN.fullmatch(roman):
            yield _replace(word, at, roman, "K102", f"Roman numeral «{word}» typed with Cyrillic letters")
        elif any(_is_latin(ch) for ch in word):
            yield from _mixed_word(word, at, [i for i, ch in enumerate(word) if _is_latin(ch)])


_KAZAKH = set(KAZAKH_UPPER + KAZAKH_LOWER)
_NOT_KAZAKH = "".join(chr(c) for c in range(0x400, 0x500) if chr(c) not in _KAZAKH and chr(c).isalpha())
_SUSPECT = re.compile(
    rf"[A-Za-zəƏɵƟ][Ѐ-ӿ]|[Ѐ-ӿ][A-Za-zəƏɵƟ]|[{_LEGACY}{_NOT_KAZAKH}]|(?<!{LETTER})[IVXLCDMХІ]*[ХІ][IVXLCDMХІ]*(?!{LETTER})"
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
_WORD = re.compile(rf"{LETTER}+")


def kazakh_letters(text: str) -> Iterator[Defect]:
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


def hard_sign(text: str) -> Iterator[Defect]:
    """K113: ь typed for ъ after a prefix (сьезі → съезі)."""
    for match in _SOFT_FOR_HARD.finditer(text):
        yield Defect(match.end() - 1, match.end(), "K113", "ь after a prefix where Russian spelling has ъ", "ъ")


RULES = (scripts, kazakh_letters, hard_sign)
"""The letter rules, in the order they run."""
