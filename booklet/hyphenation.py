"""Kazakh hyphenation: the orthography's syllable rules, and the pyphen dictionary made from them.

No hyphenation dictionary for Kazakh ships with pyphen, LibreOffice or TeX, so booklet carries
its own. This module is the specification: `word_breaks` applies the rules of
../shared/kazakh/README.md ("Hyphenation") to one word, and scripts/make_hyphenation.py turns
the same letter classes into the libhyphen patterns of `DICTIONARY`, which a test checks
against `word_breaks` word for word. `register` makes pyphen, and so WeasyPrint, use that file
for `lang="kk"`.

The rules, as applied here:

- Letters are vowels (а ә е ё и о ө ұ ү ы і э ю я), consonants, the signs ь ъ, and у, which is
  a consonant after a vowel or at the start of a word before a vowel (уа-қыт, жа-уап) and a
  vowel otherwise (бу-ын, жа-зу).
- A word breaks only between syllables. Between two vowels the break falls before the vowel
  (қи-ын, ки-ім, ши-е-ле-ніс-ті); before a single consonant (та-сы-мал, ке-йін, за-уы-ты); of two
  or more consonants exactly one goes to the next line (құмырс-қа, мем-ле-кет-тік). ь and ъ stay
  with the letter before them and do not count as a consonant (аль-бом, съе-зі, съез-дің).
- The consonants before a word's first vowel are never split (сту-дент, про-ект).
- Never a one-letter fragment: at least two letters before and after a break (ала-қан, ар-мия).
  So one-syllable words, and two-syllable words that start with a lone vowel (атом, ақыл, отар),
  are not broken.
- Russian loans follow the same rules. Choice: -стр- breaks as индуст-рия (one consonant goes,
  rule 5) rather than индус-трия; Russian practice allows both, so one rule serves both languages.
- Compounds break by syllables like any word (кә-сі-по-рын, not кәсіп-орын): finding the seam
  needs a lexicon, and the syllable break is correct Kazakh either way.
- Abbreviations (two or more capitals: КСРО, ҚазҰУ, БКП-ның) are never broken, and a token
  joined by hyphens breaks only inside its parts, never at its hyphen.

pyphen lower-cases every word before it looks at the patterns, so the dictionary cannot tell
ҚазҰУ from қазұу (which it would break as қа-зұу), and Pango may end a line after any hyphen
(БКП-|ның, 25-|ке). Keeping those whole in a PDF is the markup's job: `keep_whole` finds them,
and an element with `hyphens: none; white-space: nowrap` around each keeps them whole.
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pyphen

VOWELS = "аәеёиоөұүыіэюя"
"""Letters that are always a syllable's vowel."""
CONSONANTS = "бвгғджзйкқлмнңпрстфхһцчшщ"
"""Letters that are always consonants (й included: ке-йін, да-йын-дық)."""
GLIDE = "у"
"""Consonant after a vowel or at a word's start before a vowel, a vowel otherwise."""
SIGNS = "ьъ"
"""Soft and hard sign: they stay with the letter before them."""
LETTERS = frozenset(VOWELS + CONSONANTS + GLIDE + SIGNS)
"""The 42 lower-case letters of the Kazakh Cyrillic alphabet."""

MIN_FRAGMENT = 2
"""Fewest letters left on a line before a break, and carried to the next line after it."""

DICTIONARY = Path(__file__).resolve().parent / "dictionaries" / "hyph_kk_KZ.dic"
"""The pattern file that scripts/make_hyphenation.py writes and `register` installs."""
LANGUAGE_NAMES = ("kk_KZ", "kk")
"""The pyphen language names the dictionary answers to (`lang="kk"`, `kk-KZ`, `kk-Cyrl-KZ`...)."""

_CAPITALS = re.compile(r"[А-ЯЁӘҒҚҢӨҰҮҺІA-Z]")
_TOKEN = re.compile(r"[\w%]+(?:-[\w%]+)*")


def letter_classes(word: str) -> str | None:
    """One class per letter of `word`: V (vowel), C (consonant) or S (ь, ъ); None if `word`
    holds anything but Kazakh Cyrillic letters. Case does not matter."""
    word = word.lower()
    if not word or not LETTERS.issuperset(word):
        return None
    classes: list[str] = []
    for index, letter in enumerate(word):
        if letter in VOWELS:
            classes.append("V")
        elif letter in CONSONANTS:
            classes.append("C")
        elif letter in SIGNS:
            classes.append("S")
        elif index == 0:  # у at the start: уа-қыт, but у-ни-вер-си-тет
            classes.append("C" if len(word) > 1 and word[1] in VOWELS else "V")
        else:  # у after a vowel is a glide (жа-уап, тау), after anything else a vowel (бу-ын)
            classes.append("C" if classes[-1] == "V" else "V")
    return "".join(classes)


def syllable_breaks(word: str) -> tuple[int, ...]:
    """Every syllable boundary of `word`, as indices of the letter that starts the next syllable,
    before the one-letter rule is applied: 'ауыл' gives (1,) (а-уыл)."""
    classes = letter_classes(word)
    if classes is None:
        return ()
    breaks = []
    vowel_seen = False
    for index in range(1, len(classes)):
        vowel_seen = vowel_seen or classes[index - 1] == "V"
        if classes[index - 1] == "V" and classes[index] == "V":
            breaks.append(index)  # two vowels meet: қи-ын, про-ект
        elif classes[index] == "C" and vowel_seen and _vowel_follows(classes, index):
            breaks.append(index)  # the last consonant before a vowel goes: құмырс-қа
    return tuple(breaks)


def _vowel_follows(classes: str, index: int) -> bool:
    """Whether the consonant at `index` (with its ь or ъ) is followed by a vowel."""
    after = classes[index + 1 : index + 3]
    return after[:1] == "V" or after == "SV"


def syllables(word: str) -> list[str]:
    """`word` cut into its syllables: 'жаңғыртылуы' gives ['жаң', 'ғыр', 'ты', 'лу', 'ы']."""
    edges = [0, *syllable_breaks(word), len(word)]
    return [word[start:end] for start, end in pairwise(edges)]


def word_breaks(word: str) -> tuple[int, ...]:
    """Where one word of Kazakh letters may be hyphenated, ignoring case: syllable boundaries
    that leave at least two letters on each side. This is exactly what the dictionary encodes."""
    return tuple(index for index in syllable_breaks(word) if MIN_FRAGMENT <= index <= len(word) - MIN_FRAGMENT)


def is_abbreviation(token: str) -> bool:
    """Whether `token` is or contains an abbreviation written in capitals (КСРО, ҚазҰУ,
    БКП-ның, ЖЭС): two or more capital letters in one hyphen-joined part."""
    return any(len(_CAPITALS.findall(part)) >= 2 for part in token.split("-"))


def keep_whole(text: str) -> list[tuple[int, int]]:
    """Spans of running `text` that must stay on one line and unhyphenated, as (start, end): an
    abbreviation with its suffixes (КСРО, БКП-ның, ҚазҰУ-дың) and a number with a hyphenated
    suffix (25-ке, 90%-ы, 1-бесжылдық). Pango breaks after any hyphen and pyphen cannot see
    capitals, so the markup must wrap these, e.g. in `<span class="whole">`."""
    return [
        match.span()
        for match in _TOKEN.finditer(text)
        if is_abbreviation(match.group()) or (match.group()[0].isdigit() and "-" in match.group())
    ]


def break_points(token: str) -> tuple[int, ...]:
    """Where a token from running text may be hyphenated: none in an abbreviation, none at a
    hyphen it already has (тәлім-тәрбие breaks inside its parts only), else `word_breaks`."""
    if is_abbreviation(token):
        return ()
    points: list[int] = []
    offset = 0
    for part in token.split("-"):
        points.extend(offset + index for index in word_breaks(part))
        offset += len(part) + 1
    return tuple(points)


def hyphenate(token: str, hyphen: str = "-") -> str:
    """`token` with `hyphen` at every break point: 'мемлекеттік' → 'мем-ле-кет-тік'."""
    pieces, start = [], 0
    for index in break_points(token):
        pieces.append(token[start:index])
        start = index
    pieces.append(token[start:])
    return hyphen.join(pieces)


def register() -> None:
    """Make pyphen, and so WeasyPrint's `hyphens: auto`, use booklet's dictionary for `kk` and
    `kk_KZ`. Call it in every process before rendering; calling it again changes nothing.

    WeasyPrint resolves `lang` with `pyphen.language_fallback`, which searches
    `LANGUAGES_LOWERCASE`, then opens `LANGUAGES[name]`: both must know the name (WeasyPrint
    issue #1945)."""
    if not DICTIONARY.is_file():
        raise FileNotFoundError(f"booklet is installed without its hyphenation dictionary {DICTIONARY.name}")
    for name in LANGUAGE_NAMES:
        pyphen.LANGUAGES[name] = DICTIONARY
        pyphen.LANGUAGES_LOWERCASE[name.lower()] = name


_TEXT_NODE = re.compile(r"(<svg\b.*?</svg>|<[^>]*>)|([^<]+)", re.S)


def keep_whole_in_html(html: str) -> str:
    """`html` with every `keep_whole` span of its body's text wrapped in `<span class="whole">`.

    Done once on the finished page rather than in each template: text nodes are all the
    content a reader sees, while tags, attribute values, the head and inline SVG are left
    exactly as they are (a span there would break them)."""
    head, marker, body = html.partition("<body")
    if not marker:
        return html
    return head + marker + _TEXT_NODE.sub(_wrap_text_node, body)


def _wrap_text_node(match: re.Match[str]) -> str:
    if match.group(1) is not None:
        return match.group(1)
    text, pieces, last = match.group(2), [], 0
    for start, end in keep_whole(text):
        pieces += [text[last:start], '<span class="whole">', text[start:end], "</span>"]
        last = end
    return "".join([*pieces, text[last:]])
