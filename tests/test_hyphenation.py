"""Kazakh hyphenation: the rules on hand-checked words, the shipped dictionary against the rules,
and WeasyPrint hyphenating `lang="kk"` once `register()` has run."""

from __future__ import annotations

import importlib.util
import io
import random
import re
import subprocess
import sys
from itertools import pairwise, product
from pathlib import Path

import pdfplumber
import pyphen
import pytest

from booklet.hyphenation import (
    CONSONANTS,
    DICTIONARY,
    LATIN,
    LATIN_DICTIONARY,
    LATIN_TAG,
    LETTERS,
    SIGNS,
    break_points,
    hyphenate,
    is_abbreviation,
    keep_whole,
    letter_classes,
    register,
    word_breaks,
)
from booklet.latin import to_latin

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
CORPUS = FIXTURES / "corpus" / "ud-kazakh-ktb-test.txt"
WORD = re.compile(r"[а-яёәғқңөұүһіА-ЯЁӘҒҚҢӨҰҮҺІ]+")
"""A run of Kazakh letters: what WeasyPrint hands pyphen (Pango ends a word at a hyphen)."""


def read_words(name: str) -> list[tuple[str, str]]:
    lines = (FIXTURES / "hyphenation" / name).read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines if line and not line.startswith("#")]


REFERENCE = read_words("reference.tsv")
HAND_CHECKED = read_words("words.tsv")


def words_in(*texts: str) -> list[str]:
    return sorted({word for text in texts for word in WORD.findall(text)})


@pytest.fixture(scope="module")
def dictionary() -> pyphen.Pyphen:
    """The shipped file as pyphen reads it, with pyphen's own limits off: the file must enforce them."""
    return pyphen.Pyphen(filename=DICTIONARY, left=1, right=1)


# ---------- the rules ----------


@pytest.mark.parametrize(("word", "expected"), REFERENCE, ids=[word for word, _ in REFERENCE])
def test_the_references_words_break_where_it_says(word, expected):
    assert hyphenate(word) == expected


def test_at_least_150_words_from_the_seeds_and_the_corpus_break_as_checked_by_hand():
    assert len(HAND_CHECKED) >= 150
    if CORPUS.is_file():
        sources = words_in(*(path.read_text(encoding="utf-8") for path in [*SEEDS, CORPUS]))
        assert {word for word, _ in HAND_CHECKED} <= set(sources)
    wrong = [(word, expected, hyphenate(word)) for word, expected in HAND_CHECKED if hyphenate(word) != expected]
    assert not wrong, wrong


@pytest.mark.parametrize(
    "shown",
    # the examples that illustrate rules 2-6 of the reference, each showing one legal break
    ["ала-қан", "ар-мия", "да-уыс", "са-уат", "жа-уап", "да-йын-дық", "ке-йін", "бу-ын", "су-ық", "қи-ын",
     "ки-ім", "ту-ын-ды", "құмырс-қа", "жаңғырт-ты", "мем-ле-кет-тік", "про-ект", "по-эма", "съез-дің",
     "уа-қыт"],
)  # fmt: skip
def test_the_breaks_shown_in_the_rules_are_allowed(shown):
    points = set(break_points(shown.replace("-", "")))
    shown_points = {match.start() - number for number, match in enumerate(re.finditer("-", shown))}
    assert shown_points <= points


@pytest.mark.parametrize(
    ("word", "forbidden"),
    [("алақан", 1), ("армия", 4), ("құмырсқа", 5), ("индустрия", 3), ("индустрия", 4), ("атом", 1), ("ақыл", 1)],
)
def test_the_breaks_the_rules_forbid_are_not_made(word, forbidden):
    assert forbidden not in break_points(word)


@pytest.mark.parametrize(
    ("word", "expected"),
    [("подъезд", "подъ-езд"), ("объект", "объ-ект"), ("съезд", "съезд"), ("съезі", "съе-зі"), ("Съездің", "Съез-дің"),
     ("адъютант", "адъ-ю-тант"), ("разъезд", "разъ-езд"), ("пьеса", "пье-са"), ("батальон", "ба-та-льон")],
)  # fmt: skip
def test_a_prefix_keeps_its_hard_sign_and_the_soft_sign_stays_with_its_consonant(word, expected):
    assert hyphenate(word) == expected


def test_str_gives_one_consonant_to_the_next_line_and_compounds_break_by_syllable():
    assert hyphenate("индустрия") == "ин-дуст-рия"
    assert hyphenate("кәсіпорын") == "кә-сі-по-рын"


def test_no_fragment_is_one_letter_in_any_word_of_the_seeds_and_the_corpus():
    texts = [path.read_text(encoding="utf-8") for path in [*SEEDS, CORPUS] if path.is_file()]
    short = [word for word in words_in(*texts) for point in break_points(word) if not 2 <= point <= len(word) - 2]
    assert not short


@pytest.mark.parametrize("token", ["КСРО", "БКП-ның", "ҚазҰУ", "ҚазҰУ-дың", "ЖЭС", "АҚШ", "ЕАЭО", "ТМД-ға"])
def test_abbreviations_stay_whole(token):
    assert is_abbreviation(token)
    assert break_points(token) == ()


def test_keep_whole_finds_abbreviations_and_numbers_with_a_hyphenated_suffix():
    text = "1925 жылы БКП-ның XIV съезі, КСРО халқының 90%-ы, 1-бесжылдықта ҚазҰУ-дың 25-ке толған Қазақстан"
    kept = [text[start:end] for start, end in keep_whole(text)]
    assert kept == ["БКП-ның", "XIV", "КСРО", "90%-ы", "1-бесжылдықта", "ҚазҰУ-дың", "25-ке"]


def test_a_capitalised_word_is_not_an_abbreviation():
    assert not is_abbreviation("Қазақстан")
    assert hyphenate("Қазақстан") == "Қа-зақс-тан"


def test_a_token_with_a_hyphen_breaks_inside_its_parts_only():
    assert hyphenate("тәлім-тәрбие") == "тә-лім-тәр-бие"
    assert hyphenate("1-бесжылдығымен") == "1-бес-жыл-ды-ғы-мен"
    assert hyphenate("25-ке") == "25-ке"


def test_only_kazakh_letters_are_hyphenated():
    assert letter_classes("Medvedev") is None
    assert word_breaks("Medvedev") == word_breaks("Аlматы") == ()  # the second starts with a Latin A


# ---------- the dictionary says what the rules say ----------


def texts_for(source: str) -> list[str]:
    if source == "reference":
        return [word for word, _ in REFERENCE]
    if source == "hand-checked":
        return [word for word, _ in HAND_CHECKED]
    if source == "seeds":
        return [path.read_text(encoding="utf-8") for path in SEEDS]
    return [CORPUS.read_text(encoding="utf-8")]


@pytest.mark.parametrize("source", ["reference", "hand-checked", "seeds", "corpus"])
def test_the_dictionary_breaks_every_word_where_the_rules_do(source, dictionary):
    words = words_in(*texts_for(source))
    assert words
    differ = [word for word in words if tuple(dictionary.positions(word)) != word_breaks(word)]
    assert not differ


def well_formed(word: str) -> bool:
    """Spelling any Kazakh or Russian word obeys: ь/ъ only after a consonant, no three у in a row,
    at most four consonants before the first vowel, three if ъ ends them (съезд, взъ-: the
    dictionary's documented limit)."""
    signs_follow_consonants = all(b not in SIGNS or a in CONSONANTS for a, b in pairwise(" " + word))
    first_vowel = (letter_classes(word) or "").find("V")
    limit = 3 if first_vowel > 0 and word[first_vowel - 1] == "ъ" else 4
    return signs_follow_consonants and "ууу" not in word and (first_vowel == -1 or first_vowel <= limit)


def test_the_dictionary_breaks_every_short_letter_string_where_the_rules_do(dictionary):
    # one letter of each behaviour (vowel, consonant, у, sign) and a second vowel, in every order
    strings = ["".join(letters) for length in range(1, 7) for letters in product("атуьи", repeat=length)]
    rng = random.Random(4)
    alphabet = sorted(LETTERS)
    strings += ["".join(rng.choice(alphabet) for _ in range(rng.randint(2, 14))) for _ in range(3000)]
    differ = [s for s in strings if well_formed(s) and tuple(dictionary.positions(s)) != word_breaks(s)]
    assert not differ


def test_pyphen_lowercases_words_so_only_markup_can_keep_an_abbreviation_whole(dictionary):
    # WeasyPrint hands pyphen 'ҚазҰУ' as printed; pyphen looks up 'қазұу', a word it may break
    assert dictionary.inserted("ҚазҰУ") == "Қа-зҰУ"
    assert dictionary.inserted("КСРО") == "КСРО"  # one syllable: safe without markup


def load_script(name: str):
    """scripts/ is not a package; load a script the way `python3 scripts/...` would."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("alphabet", "path"), [(None, DICTIONARY), (LATIN, LATIN_DICTIONARY)], ids=["cyrl", "latn"])
def test_the_shipped_dictionaries_are_what_the_generator_makes_now(alphabet, path):
    generator = load_script("make_hyphenation")
    generated = (generator.dictionary_text() if alphabet is None else generator.dictionary_text(alphabet)).encode()
    assert path.read_bytes() == generated, "run `python3 scripts/make_hyphenation.py` and commit the result"


# ---------- the Latin alphabet: the same rules over the Latin letters ----------


@pytest.fixture(scope="module")
def latin_dictionary() -> pyphen.Pyphen:
    """The shipped Latin file as WeasyPrint reads it once `register` has run (İ lowered to i)."""
    register()
    return pyphen.Pyphen(filename=LATIN_DICTIONARY, left=1, right=1)


ONE_FOR_ONE = set("аәбвгғдежзийкқлмнңоөпрстуұүфхһшыі")
"""Cyrillic letters with exactly one Latin letter each: words of these keep their length."""


@pytest.mark.parametrize(
    ("word", "expected"),
    [("keiın", "ke-iın"), ("daiyndyq", "da-iyn-dyq"), ("qiyn", "qi-yn"), ("kiım", "ki-ım"), ("jauap", "ja-uap"),
     ("uaqyt", "ua-qyt"), ("oilau", "oi-lau"), ("memlekettık", "mem-le-ket-tık"), ("İndustrialandyru",
     "İn-dust-ri-a-lan-dy-ru"), ("Qazaqstan", "Qa-zaqs-tan"), ("tälım-tärbie", "tä-lım-tär-bie"), ("QazŪU", "QazŪU")],
)  # fmt: skip
def test_latin_words_break_like_their_cyrillic_spelling(word, expected):
    assert hyphenate(word, alphabet=LATIN) == expected


@pytest.mark.parametrize("source", ["reference", "hand-checked", "seeds", "corpus"])
def test_latin_breaks_are_the_cyrillic_ones_where_every_letter_has_one_latin_letter(source):
    words = [word for word in words_in(*texts_for(source)) if ONE_FOR_ONE.issuperset(word.lower())]
    assert words
    differ = [word for word in words if word_breaks(to_latin(word), LATIN) != word_breaks(word)]
    # only where Latin i cannot tell и from й: и after a vowel reads as й (Ук-ра-и-на gives Uk-rai-na),
    # й after a consonant as и (the corpus's typo күш-йе gives kü-şie)
    assert all(re.search("[аәеиоөұүыі]и|[^аәеиоөұүыіу]й", word.lower()) for word in differ), differ


@pytest.mark.parametrize("source", ["reference", "hand-checked", "seeds", "corpus"])
def test_the_latin_dictionary_breaks_every_word_where_the_rules_do(source, latin_dictionary):
    words = sorted({to_latin(word) for word in words_in(*texts_for(source))})
    differ = [word for word in words if tuple(latin_dictionary.positions(word)) != word_breaks(word, LATIN)]
    assert not differ


def test_the_latin_dictionary_breaks_every_short_letter_string_where_the_rules_do(latin_dictionary):
    strings = ["".join(letters) for length in range(1, 7) for letters in product("atuiy", repeat=length)]
    rng = random.Random(4)
    letters = sorted(LATIN.letters)
    strings += ["".join(rng.choice(letters) for _ in range(rng.randint(2, 14))) for _ in range(3000)]

    def well_formed_latin(word: str) -> bool:  # no three of i/u in a row, at most four consonants first
        first_vowel = letter_classes(word, LATIN).find("V")
        return not re.search("[iu]{3}", word) and first_vowel <= 4

    differ = [
        s for s in strings if well_formed_latin(s) and tuple(latin_dictionary.positions(s)) != word_breaks(s, LATIN)
    ]
    assert not differ


# ---------- registration and WeasyPrint ----------


def test_register_installs_the_dictionary_for_kk_and_kk_kz_and_is_idempotent(monkeypatch):
    monkeypatch.setattr(pyphen, "LANGUAGES", dict(pyphen.LANGUAGES))
    monkeypatch.setattr(pyphen, "LANGUAGES_LOWERCASE", dict(pyphen.LANGUAGES_LOWERCASE))
    register()
    once = (dict(pyphen.LANGUAGES), dict(pyphen.LANGUAGES_LOWERCASE))
    register()
    assert once == (pyphen.LANGUAGES, pyphen.LANGUAGES_LOWERCASE)
    assert [pyphen.language_fallback(tag) for tag in ["kk", "kk-KZ", "KK_kz", "kk-Cyrl-KZ"]] == [
        "kk",
        "kk_KZ",
        "kk_KZ",
        "kk",
    ]
    assert pyphen.Pyphen(lang="kk").inserted("мемлекеттік") == "мем-ле-кет-тік"
    assert [pyphen.language_fallback(tag) for tag in [LATIN_TAG, "kk-Latn-KZ", "KK_latn"]] == ["kk_Latn"] * 3
    latin = pyphen.Pyphen(lang=LATIN_TAG)
    assert latin.inserted("memlekettık") == "mem-le-ket-tık"
    # pyphen's str.lower would make İ two letters and shift every break after it
    assert latin.inserted("İndustrialandyru") == "İn-dust-ri-a-lan-dy-ru"
    assert latin.inserted("INDUSTRIA") == "IN-DUST-RIA"


PARAGRAPH = (
    "Индустрияландыру халық шаруашылығын дамытудың бірінші бесжылдығымен қатар келіп, өлкеде елеулі "
    "қиыншылықтармен жүзеге асты: қазба байлықтарының толық зерттелмеуі, байланыс және тасымал "
    "құралдарының нашар дамуы, жергілікті мамандардың жетіспеуі."
)
STYLE = """
@font-face { font-family: Body; src: url(PTSerif-Regular.ttf); }
p { font: 11pt Body; width: 45mm; text-align: justify; hyphens: auto; hyphenate-character: "-"; }
.whole { hyphens: none; white-space: nowrap; }
"""
HTML_PAGE = (
    f'<html lang="kk"><style>{STYLE}</style>'
    f'<p>{PARAGRAPH} <span class="whole">ҚазҰУ-дың</span> <span class="whole">ҚазҰУ-дың</span></p></html>'
)
RENDER = """
import sys
from booklet.hyphenation import register
from booklet.resources import fonts_dir
from weasyprint import HTML
register()
html = sys.stdin.buffer.read().decode("utf-8")
sys.stdout.buffer.write(HTML(string=html, base_url=fonts_dir().as_uri() + "/").write_pdf())
"""


def rendered_lines(html: str) -> list[str]:
    """The lines of `html` as WeasyPrint sets them in a fresh process that has called `register`."""
    result = subprocess.run(
        [sys.executable, "-c", RENDER], input=html.encode(), capture_output=True, cwd=ROOT, check=False
    )
    assert result.returncode == 0, result.stderr.decode()
    with pdfplumber.open(io.BytesIO(result.stdout)) as pdf:
        return "\n".join(page.extract_text() for page in pdf.pages).splitlines()


def test_weasyprint_hyphenates_kazakh_at_legal_breaks_after_register_in_a_fresh_process():
    lines = rendered_lines(HTML_PAGE)
    broken = [(line, following) for line, following in pairwise(lines) if line.endswith("-")]
    assert len(broken) >= 3, lines
    for line, following in broken:
        head, tail = WORD.findall(line)[-1], WORD.match(following).group()
        assert len(head) in break_points(head + tail), f"{head}-{tail}"
    assert sum(line.count("ҚазҰУ-дың") for line in lines) == 2, lines  # the markup kept both whole


LATIN_WORD = re.compile(r"[a-zäçğıñöşūüA-ZÄÇĞİÑÖŞŪÜ]+")


def test_weasyprint_hyphenates_a_latin_page_by_its_tag_with_the_latin_rules():
    paragraph = to_latin(PARAGRAPH + " " + PARAGRAPH.upper())  # upper case: pyphen must lower İ and I right
    lines = rendered_lines(f'<html lang="{LATIN_TAG}"><style>{STYLE}</style><p>{paragraph}</p></html>')
    broken = [(line, following) for line, following in pairwise(lines) if line.endswith("-")]
    assert len(broken) >= 5, lines
    for line, following in broken:
        head, tail = LATIN_WORD.findall(line)[-1], LATIN_WORD.match(following).group()
        assert len(head) in word_breaks(head + tail, LATIN), f"{head}-{tail}"  # capitals too: İ, I are one letter
    assert any(line.isupper() for line, _ in broken), lines
