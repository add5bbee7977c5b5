"""Defects in the letters themselves: Latin look-alikes inside Cyrillic words, Roman numerals
typed in Cyrillic, legacy 8-bit characters, Russian letters where vowel harmony wants Kazakh
ones, ь for ъ. The rules are heuristics kept narrow on purpose (see each one); `booklet lint`
reports them, and `normalise` applies only the fixes that cannot be wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from functools import cache
from itertools import pairwise

from .defects import KAZAKH_LOWER, KAZAKH_UPPER, LETTER, Defect

_LATIN_TO_CYRILLIC = dict(zip("aeopcxykhiəɵAEOPCXKHBMTIYƏƟ", "аеорсхукһіәөАЕОРСХКНВМТІУӘӨ", strict=True))
_LATIN_TO_CYRILLIC_FRONT = {"y": "ү", "Y": "Ү"}  # y is у in a back-vowel word, ү in a front one
_CYRILLIC_TO_LATIN = dict(zip("аеорсхуіһАВЕКМНОРСТХІУҮ", "aeopcxyihABEKMHOPCTXIYY", strict=True))
_ROMANLETTERS = str.maketrans("ХІ", "XI")
ROMAN = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
_LEGACY = "¤¥¦§¨©¬®¯±´¶¸¹¼½¾¿"
"""Symbols that stand in for Kazakh letters in text from legacy 8-bit fonts (`Б¥¥` for БҰҰ)."""
_TOKEN = re.compile(rf"(?:{LETTER}|[{_LEGACY}])+")


def is_roman(word: str) -> bool:
    """Whether `word` is a Roman numeral, in Latin letters or typed with Cyrillic Х and І (ХІХ).
    A lone Cyrillic Х or І is a letter, not a numeral."""
    latin = word.translate(_ROMANLETTERS)
    return bool(latin) and ROMAN.fullmatch(latin) is not None and (latin == word or len(word) > 1)


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
        elif is_roman(word):
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
        front = any(ch in _FRONT for ch in word.lower())
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


_CONSONANT_VOWEL = re.compile(r"[кг](?=ұ)|^[кг](?=ы)|[қғ](?=[іәөү])")
"""Pairs Kazakh never writes: к/г before ұ, к/г before ы at a word's start, қ/ғ before a front vowel."""
_VOWELS = "аәеёиоөұүыіэюя"
_FRONT = "әөүіе"
_BAD_NEXT_VOWEL = {"ұ": "әөүі", "о": "әөү", "ү": "ыұ", "ө": "ыұ", "ә": "ы"}
"""Vowel pairs native Kazakh words never have: ұ then ә ө ү і, о then ә ө ү, ү/ө then ы ұ, ә then ы."""
_HARMONY_EXCEPTIONS = ("оңтүст", "солтүст", "құдірет")
"""Stems that break harmony by right, wherever they stand in a word: compounds (оңтүстік 'south',
солтүстік 'north') and loans (құдірет 'might', тауқұдірет)."""
_RUSSIAN_ONLY = frozenset("вфцчщёэюяьъ")
_LOAN_PREFIXES = (
    "авиа", "авто", "агро", "акро", "анти", "аэро", "био", "вело", "гео", "гидро", "гипер", "интер", "кино", "контр",
    "макро", "микро", "мега", "мини", "моно", "мото", "мульти", "нано", "поли", "радио", "супер", "теле",
    "термо", "фото", "эко", "электро",
)  # fmt: skip
"""Loan prefixes that keep their vowels before a Kazakh root (автокөлік, экожүйе, биоөнім)."""
_ROOTS = (
    "ұлы", "қызы", "үй", "өнер", "өнім", "өріс", "өлшеу", "өспірім", "үздік", "үн", "ыдыс", "іс", "әлем",
    "әдіс", "әйел", "үлгі", "өлке",
)  # fmt: skip
"""How the second part of a compound or a patronymic may start with a vowel of the other row
(Берікұлы, қонақүй, қолөнер, жасөспірім): a harmony break right before one is a seam."""
_ENDING_LIST = """лар лер дар дер тар тер ы і сы сі ым ім м ың ің ң ымыз іміз мыз міз ыңыз іңіз ңыз ңіз ның нің
    дың дің тың тің ға ге қа ке на не а е ны ні ды ді ты ті н да де та те нда нде дан ден тан тен нан нен
    мен бен пен ғы гі қы кі дағы дегі тағы тегі ндағы ндегі лық лік дық дік тық тік шы ші лы лі сыз сіз
    ла ле ыл іл л лас лес дас дес тас тес тыр тір дыр дір ыр ір қыз ғыз у ған ген қан кен йық йік айық
    ейік ып іп п ады еді йды йді ша ше"""
_ENDINGS = frozenset(_ENDING_LIST.split())
"""Kazakh endings, generously: enough to strip a loan's Kazakh endings (колхоз|дас|тыр|ыл|ған)
and to tell an ending in the wrong row (күмән|ды) from the second root of a compound (көк|шұбар)."""
ENDINGS = re.compile(
    "-?(?=.)(?:шы|ші|шыл|шіл|лық|лік|дық|дік|тық|тік|лы|лі|ды|ді|ты|ті|сыз|сіз)?(?:лар|лер|дар|дер|тар|тер)?"
    "(?:ы|і|сы|сі|ым|ім|м|ың|ің|ң|ымыз|іміз|мыз|міз|ыңыз|іңіз|ңыз|ңіз)?"
    "(?:ның|нің|дың|дің|тың|тің|ға|ге|қа|ке|на|не|а|е|ны|ні|ды|ді|ты|ті|н|да|де|та|те|нда|нде"
    "|дан|ден|тан|тен|нан|нен|мен|бен|пен)?"
)
"""Kazakh endings in the order they follow a stem (derivation, plural, possessive, case), strictly:
`ENDINGS.fullmatch(text)` says `text` is endings and not a word (лар, дың, шыл, лары, тердің)."""
_WORD = re.compile(rf"{LETTER}+")


def kazakh_letters(text: str) -> Iterator[Defect]:
    """K111/K112: a Russian letter typed for a Kazakh one, found by what Kazakh never writes.

    Kept deliberately narrow, because loans with Kazakh endings break every broader rule
    (қазір, кітап, Орскіде, өзара, көшбасшы, қыркүйек are all correct):
    - K111: к/г before ұ, or word-initial к/г before ы (Kazakh writes қ/ғ with back vowels,
      Russian never writes кы/гы), and қ/ғ before a front vowel. Also к before а/о in a back
      word whose stem has a letter only Kazakh writes (қ ғ ұ ң), as Казақстан: a loan's own
      stem never has one (колхоз|ға, капитал|дық), and a front word before the к is a compound
      (еңбек|ақы).
    - K112: the vowel after ұ is front (ә ө ү і), the vowel after о is ә ө ү, the vowel after
      ү/ө is ы/ұ, or the vowel after ә is ы. This catches Ұ typed for Ү (Бұкіл) and О for Ө.
      Also а/о between two front vowels in a word with ә ө or ү and no back letter (Өнеркасіп).
      Not at a seam: after a loan prefix (автокөлік), before a patronymic or a second root that
      starts with a vowel (Берікұлы, қонақүй, қолөнер), or across two consonants unless an
      ending follows them (төл|құжат is a compound, күмән|ды a wrong ending).
    """
    for match in _WORD.finditer(text):
        word = match.group()
        lower = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in word)  # İ lowers to 2
        for defect in (*_wrong_consonants(word, lower), *_broken_harmony(word, lower)[:1]):
            yield replace(defect, start=match.start() + defect.start, end=match.start() + defect.end)


def _wrong_consonants(word: str, lower: str) -> Iterator[Defect]:
    for hit in _CONSONANT_VOWEL.finditer(lower):
        if not _starts_root(lower, hit.end()):  # Берік|ұлы, қонақ|үй
            letter, other = word[hit.start()], {"к": "қ", "г": "ғ", "қ": "к", "ғ": "г"}[hit.group()]
            message = f"«{letter}» before «{word[hit.end()]}» in «{word}»"
            yield Defect(hit.start(), hit.end(), "K111", message, hint=f"{other}?")
    for index in _k_for_q(lower):
        fixed = word[:index] + ("Қ" if word[index] == "К" else "қ") + word[index + 1 :]
        message = f"«{word[index]}» before «{word[index + 1]}» in «{word}», a Kazakh word"
        yield Defect(index, index + 1, "K111", message, hint=f"{fixed}?")


def _k_for_q(lower: str) -> Iterator[int]:
    """Where к stands before а/о in a word that is Kazakh up to there and whose every stem has a
    letter only Kazakh writes after the к (Казақстан → Қазақстан)."""
    if _RUSSIAN_ONLY.intersection(lower):
        return
    for hit in re.finditer("к(?=[ао])", lower):
        if any(ch in _FRONT for ch in lower[: hit.start()]):
            continue  # еңбек|ақы, жүк|ағаш: a compound
        if all(set(stem[hit.start() :]) & set("қғұң") for stem in _stems(lower)):
            yield hit.start()


@cache
def _stems(word: str) -> frozenset[str]:
    """`word` with every way of taking Kazakh endings off it, itself included."""
    found = {word}
    for length in range(1, 6):
        stem = word[:-length]
        if word[-length:] in _ENDINGS and len(stem) >= 3 and any(ch in _VOWELS for ch in stem):
            found |= _stems(stem)
    return frozenset(found)


def _starts_root(lower: str, index: int) -> bool:
    return lower.startswith(_ROOTS, index)


def _broken_harmony(word: str, lower: str) -> list[Defect]:
    """K112 in one word, the first break that is not at a seam."""
    if any(exception in lower for exception in _HARMONY_EXCEPTIONS):
        return []
    vowels = [index for index, ch in enumerate(lower) if ch in _VOWELS]
    for first, second in pairwise(vowels):
        if lower[second] in _BAD_NEXT_VOWEL.get(lower[first], "") and not _seam(lower, first, second):
            message = f"«{word}» mixes back and front vowels ({lower[first]} then {lower[second]})"
            return [Defect(0, len(word), "K112", message, hint="Ұ/Ү, О/Ө, Ы/І mistyped? (Бұкіл → Бүкіл)")]
    for index in _back_between_front(lower, vowels):
        fixed = word[:index] + {"а": "ә", "о": "ө", "А": "Ә", "О": "Ө"}[word[index]] + word[index + 1 :]
        message = f"«{word}» has «{word[index]}» between front vowels"
        return [Defect(0, len(word), "K112", message, hint=f"{fixed}?")]
    return []


def _seam(lower: str, first: int, second: int) -> bool:
    """Whether a harmony break between the vowels at `first` and `second` is where two parts of a
    compound (or a loan prefix and a root) meet, rather than a mistyped letter."""
    if first < _prefix_length(lower) <= second or any(_starts_root(lower, i) for i in range(first + 1, second + 1)):
        return True
    return second - first > 2 and not any(ENDINGS.fullmatch(lower, index) for index in range(first + 2, second))


def _prefix_length(lower: str) -> int:
    """How many letters of `lower` are loan prefixes (аэро|фото|түсіру gives 8)."""
    length = 0
    while prefix := next((p for p in _LOAN_PREFIXES if lower.startswith(p, length)), None):
        length += len(prefix)
    return length


def _back_between_front(lower: str, vowels: list[int]) -> Iterator[int]:
    """а/о typed for ә/ө: between front vowels, one consonant from at least one of them (not at a
    seam) and at most two from either, in a word that has ә, ө or ү (so a Kazakh stem) and no back
    letter (Өнеркасіп)."""
    if not set(lower) & set("әөү") or set(lower) & set("қғұы") or _RUSSIAN_ONLY.intersection(lower):
        return
    for before, index, after in zip(vowels, vowels[1:], vowels[2:], strict=False):
        if lower[index] not in "ао" or lower[before] not in _FRONT or lower[after] not in _FRONT:
            continue
        sides = [(before, index), (index, after)]
        close = [side for side in sides if side[1] - side[0] <= 2]  # one consonant or none between
        if close and all(b - a <= 3 for a, b in sides) and not all(_seam(lower, *side) for side in close):
            yield index


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
