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
  ъ after a vowel ends a Russian prefix, so the break falls after it (подъ-езд, объ-ект,
  субъ-ек-ті), never between the prefix's consonant and ъ (not по-дъезд).
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

Pages in the 2021 Latin alphabet are hyphenated by the same rules over the Latin letters
(`LATIN`): each Latin letter takes the class of the Cyrillic letter it writes, and i, which
writes both и (a vowel) and й (a consonant), behaves like у: a consonant after a vowel or at a
word's start before a vowel (ke-iın for ке-йін, da-iyn-dyq), a vowel otherwise (qi-yn). The
Latin dictionary answers to `lang="kk-Latn"`; booklet's Latin pages carry that tag.

pyphen lower-cases every word before it looks at the patterns, so the dictionary cannot tell
ҚазҰУ from қазұу (which it would break as қа-зұу), and Pango may end a line after any hyphen
(БКП-|ның, 25-|ке). Keeping those whole in a PDF is the markup's job: `keep_whole` finds them,
and an element with `hyphens: none; white-space: nowrap` around each keeps them whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Alphabet:
    """The letters of one script sorted into the classes the rules look at."""

    vowels: str
    consonants: str
    glides: str
    """Consonant after a vowel or at a word's start before a vowel, a vowel otherwise."""
    signs: str = ""
    """Letters that stay with the letter before them (ь, ъ)."""
    separators: str = ""
    """Signs after which a syllable starts when a vowel follows and one came before (подъ-езд)."""
    turkish_case: bool = False
    """Whether İ/i and I/ı are case pairs (the Latin alphabet), not I/i."""

    @property
    def letters(self) -> frozenset[str]:
        return frozenset(self.vowels + self.consonants + self.glides + self.signs)

    def lower(self, word: str) -> str:
        """`word` in lower case, letter for letter."""
        return latin_lower(word) if self.turkish_case else word.lower()


CYRILLIC = Alphabet(VOWELS, CONSONANTS, GLIDE, SIGNS, separators="ъ")
"""Kazakh Cyrillic: the 42 letters."""
LATIN = Alphabet(vowels="aäeıoöūüy", consonants="bcçdfgğhjklmnñpqrsştvwxz", glides="iu", turkish_case=True)
"""The 2021 Latin alphabet, with every Latin letter the spelling of ё ц ч щ э ю я may use. Each
letter has the class of the Cyrillic letter it writes; i writes и (vowel) and й (consonant),
and is told apart the way у is."""

MIN_FRAGMENT = 2
"""Fewest letters left on a line before a break, and carried to the next line after it."""

DICTIONARY = Path(__file__).resolve().parent / "dictionaries" / "hyph_kk_KZ.dic"
"""The pattern file that scripts/make_hyphenation.py writes and `register` installs."""
LANGUAGE_NAMES = ("kk_KZ", "kk")
"""The pyphen language names the dictionary answers to (`lang="kk"`, `kk-KZ`, `kk-Cyrl-KZ`...)."""
LATIN_DICTIONARY = DICTIONARY.with_name("hyph_kk_Latn.dic")
"""The same rules over the Latin letters, for pages in the 2021 Latin alphabet."""
LATIN_LANGUAGE_NAMES = ("kk_Latn",)
"""The pyphen language names the Latin dictionary answers to (`lang="kk-Latn"`, `kk-Latn-KZ`)."""
LATIN_TAG = "kk-Latn"
"""The `lang` of a page in the 2021 Latin alphabet (BCP 47: Kazakh in Latin script); templates/base.html
adds `-Latn` to the language of content whose `script` is `latn`."""

_CAPITALS = re.compile(r"[А-ЯЁӘҒҚҢӨҰҮҺІA-ZÄÇĞİÑÖŞŪÜ]")
_TOKEN = re.compile(r"[\w%]+(?:-[\w%]+)*")


def letter_classes(word: str, alphabet: Alphabet = CYRILLIC) -> str | None:
    """One class per letter of `word`: V (vowel), C (consonant) or S (ь, ъ); None if `word`
    holds anything but letters of `alphabet`. Case does not matter."""
    word = alphabet.lower(word)
    if not word or not alphabet.letters.issuperset(word):
        return None
    classes: list[str] = []
    for index, letter in enumerate(word):
        if letter in alphabet.vowels:
            classes.append("V")
        elif letter in alphabet.consonants:
            classes.append("C")
        elif letter in alphabet.signs:
            classes.append("S")
        elif index == 0:  # у at the start: уа-қыт, but у-ни-вер-си-тет
            classes.append("C" if len(word) > 1 and word[1] in alphabet.vowels else "V")
        else:  # у after a vowel is a glide (жа-уап, тау), after anything else a vowel (бу-ын)
            classes.append("C" if classes[-1] == "V" else "V")
    return "".join(classes)


def latin_lower(word: str) -> str:
    """Lower case, Turkish-style: İ → i and I → ı (`str.lower` makes İ two characters and I an i)."""
    return word.replace("İ", "i").replace("I", "ı").lower()


def syllable_breaks(word: str, alphabet: Alphabet = CYRILLIC) -> tuple[int, ...]:
    """Every syllable boundary of `word`, as indices of the letter that starts the next syllable,
    before the one-letter rule is applied: 'ауыл' gives (1,) (а-уыл)."""
    classes = letter_classes(word, alphabet)
    if classes is None:
        return ()
    word = alphabet.lower(word)
    breaks = []
    vowel_seen = False
    for index in range(1, len(classes)):
        vowel_seen = vowel_seen or classes[index - 1] == "V"
        if classes[index - 1] == "V" and classes[index] == "V":
            breaks.append(index)  # two vowels meet: қи-ын, про-ект
        elif word[index - 1] in alphabet.separators and classes[index] == "V" and vowel_seen:
            breaks.append(index)  # a prefix ends in ъ: подъ-езд
        elif classes[index] == "C" and vowel_seen and _vowel_follows(classes, word, index, alphabet):
            breaks.append(index)  # the last consonant before a vowel goes: құмырс-қа
    return tuple(breaks)


def _vowel_follows(classes: str, word: str, index: int, alphabet: Alphabet) -> bool:
    """Whether the consonant at `index` (with its ь) is followed by a vowel."""
    after = classes[index + 1 : index + 3]
    return after[:1] == "V" or (after == "SV" and word[index + 1] not in alphabet.separators)


def syllables(word: str, alphabet: Alphabet = CYRILLIC) -> list[str]:
    """`word` cut into its syllables: 'жаңғыртылуы' gives ['жаң', 'ғыр', 'ты', 'лу', 'ы']."""
    edges = [0, *syllable_breaks(word, alphabet), len(word)]
    return [word[start:end] for start, end in pairwise(edges)]


def word_breaks(word: str, alphabet: Alphabet = CYRILLIC) -> tuple[int, ...]:
    """Where one word of Kazakh letters may be hyphenated, ignoring case: syllable boundaries
    that leave at least two letters on each side. This is exactly what the dictionary encodes
    (the Latin dictionary, with `alphabet=LATIN`)."""
    breaks = syllable_breaks(word, alphabet)
    return tuple(index for index in breaks if MIN_FRAGMENT <= index <= len(word) - MIN_FRAGMENT)


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


def break_points(token: str, alphabet: Alphabet = CYRILLIC) -> tuple[int, ...]:
    """Where a token from running text may be hyphenated: none in an abbreviation, none at a
    hyphen it already has (тәлім-тәрбие breaks inside its parts only), else `word_breaks`."""
    if is_abbreviation(token):
        return ()
    points: list[int] = []
    offset = 0
    for part in token.split("-"):
        points.extend(offset + index for index in word_breaks(part, alphabet))
        offset += len(part) + 1
    return tuple(points)


def hyphenate(token: str, hyphen: str = "-", alphabet: Alphabet = CYRILLIC) -> str:
    """`token` with `hyphen` at every break point: 'мемлекеттік' → 'мем-ле-кет-тік'."""
    pieces, start = [], 0
    for index in break_points(token, alphabet):
        pieces.append(token[start:index])
        start = index
    pieces.append(token[start:])
    return hyphen.join(pieces)


class _LatinPatterns(pyphen.HyphDict):
    """pyphen's reader of the Latin file, lower-casing words Turkish-style first. pyphen's own
    `str.lower` turns İ into two characters, which would move every break after it by one."""

    def positions(self, word: str) -> list[pyphen.DataInt]:
        return super().positions(latin_lower(word))


def register() -> None:
    """Make pyphen, and so WeasyPrint's `hyphens: auto`, use booklet's dictionaries: the Cyrillic
    one for `kk` and `kk_KZ`, the Latin one for `kk_Latn`. Call it in every process before
    rendering; calling it again changes nothing.

    WeasyPrint resolves `lang` with `pyphen.language_fallback`, which searches
    `LANGUAGES_LOWERCASE`, then opens `LANGUAGES[name]`: both must know the name (WeasyPrint
    issue #1945). pyphen keeps one reader per file in `hdcache`; the Latin file's is ours."""
    for dictionary in (DICTIONARY, LATIN_DICTIONARY):
        if not dictionary.is_file():
            raise FileNotFoundError(f"booklet is installed without its hyphenation dictionary {dictionary.name}")
    for names, dictionary in ((LANGUAGE_NAMES, DICTIONARY), (LATIN_LANGUAGE_NAMES, LATIN_DICTIONARY)):
        for name in names:
            pyphen.LANGUAGES[name] = dictionary
            pyphen.LANGUAGES_LOWERCASE[name.lower()] = name
    if not isinstance(pyphen.hdcache.get(LATIN_DICTIONARY), _LatinPatterns):
        pyphen.hdcache[LATIN_DICTIONARY] = _LatinPatterns(LATIN_DICTIONARY)


_TEXT_NODE = re.compile(
    r"(?P<skip><svg\b.*?</svg>)"
    r'|(?P<element><(?P<name>[a-z][a-z0-9]*)(?P<attributes>(?:\s+[\w-]+="[^"<>]*")*)>(?P<only>[^<]+)</(?P=name)>)'
    r"|(?P<tag><[^>]*>)"
    r"|(?P<text>[^<]+)",
    re.S,
)
"""Inline SVG (left alone), an element holding nothing but text, any other tag, and text."""
_CLASS = re.compile(r'(\sclass=")([^"]*)"')


def keep_whole_in_html(html: str) -> str:
    """`html` with every `keep_whole` span of its body's text marked `class="whole"`.

    Done once on the finished page rather than in each template: text nodes are all the
    content a reader sees, while tags, attribute values, the head and inline SVG are left
    exactly as they are (a span there would break them). Each such run of text gets a
    `<span class="whole">` of its own, except a run that is all an element holds (a heading
    «3-тапсырма», an answer «XIV»): that element takes the class itself, which looks the same
    and is one element fewer for WeasyPrint to style and lay out."""
    head, marker, body = html.partition("<body")
    if not marker:
        return html
    return head + marker + _TEXT_NODE.sub(_marked, body)


def _marked(match: re.Match[str]) -> str:
    if match.group("text") is not None:
        return _wrapped(match.group("text"))
    if match.group("element") is None:
        return match.group(0)
    name, attributes, text = match.group("name", "attributes", "only")
    if keep_whole(text) == [(0, len(text))]:
        marked = _CLASS.sub(r'\1\2 whole"', attributes, count=1)
        attributes = marked if marked != attributes else f'{attributes} class="whole"'
        return f"<{name}{attributes}>{text}</{name}>"
    return f"<{name}{attributes}>{_wrapped(text)}</{name}>"


def _wrapped(text: str) -> str:
    pieces, last = [], 0
    for start, end in keep_whole(text):
        pieces += [text[last:start], '<span class="whole">', text[start:end], "</span>"]
        last = end
    return "".join([*pieces, text[last:]])
