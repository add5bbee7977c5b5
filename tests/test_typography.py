"""Kazakh typographic normalisation: case by case, then idempotence and Markdown on real text."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from booklet.defects import CODES, NBSP
from booklet.markup import _parser
from booklet.typography import apply_fixes, defects, normalise, normalise_content

FIXTURES = Path(__file__).resolve().parent / "fixtures"
N = NBSP

CASES = [
    # quotation marks: «…» outside, „…“ inside
    ('"Кіші Қазан"', "«Кіші Қазан»"),
    ("“Кіші Қазан”", "«Кіші Қазан»"),
    ("«Кіші Қазан»", "«Кіші Қазан»"),
    ("„Кіші Қазан“", "«Кіші Қазан»"),
    ('Ол "Мен "Баку" туралы" деді', "Ол «Мен „Баку“ туралы» деді"),
    ("Ол «Мен «Баку» туралы» деді", "Ол «Мен „Баку“ туралы» деді"),
    ("Ол «Мен “Баку” туралы» деді", "Ол «Мен „Баку“ туралы» деді"),
    ('**"Кіші Қазан"** бағыты', "**«Кіші Қазан»** бағыты"),
    ('"*Кіші Қазан*"', "«*Кіші Қазан*»"),
    ('"Сізді құттықтаймын.', '"Сізді құттықтаймын.'),  # unpaired: left for a person (lint K211)
    ('Дюйм 5" және', 'Дюйм 5" және'),
    # ranges: en dash, no spaces
    ("1928-1932", "1928–1932"),
    ("(1928-1932 жж.)", f"(1928–1932{N}жж.)"),
    ("1925-33", "1925–33"),
    ("XIV-XV ғасырлар", "XIV–XV ғасырлар"),
    ("ХІХ-ХХ ғасырлар", "XIX–XX ғасырлар"),  # Cyrillic Х and І
    ("XIX-ХХ ғ.", f"XIX–XX{N}ғ."),
    ("1-2-сыныптар", "1–2-сыныптар"),
    ("1980 – 1990 ж.", f"1980–1990{N}ж."),
    ("29,4 — 32,5°С", "29,4–32,5°С"),
    ("2026-09-01", "2026-09-01"),
    ("5 - 3 = 2", "5 - 3 = 2"),  # a minus, not a range
    ("x = 5 - 3", "x = 5 - 3"),
    # dashes between words: en dash, no-break space before
    ("кен орны - мұнайға", f"кен орны{N}– мұнайға"),
    ("ірісі -\nсоңғысы", f"ірісі{N}–\nсоңғысы"),  # a dash at the end of a line in a block
    ("ірісі –  \nсоңғысы", f"ірісі{N}–  \nсоңғысы"),  # ... before a hard line break
    ("1928 -\n1932", "1928 -\n1932"),  # a range or a minus: left for a person
    ("Түрксіб – магистраль", f"Түрксіб{N}– магистраль"),
    ("Түрксіб — магистраль", f"Түрксіб{N}– магистраль"),
    ("қалады, - деп", f"қалады,{N}– деп"),
    ("сөз -- сөз", f"сөз{N}– сөз"),
    ("**Жауап** - сөз", f"**Жауап**{N}– сөз"),
    ("— Бәйбіше қайда?", "– Бәйбіше қайда?"),
    ("Түркістан–Сібір", "Түркістан–Сібір"),
    # Markdown list items stay list items
    ("- тізім элементі", "- тізім элементі"),
    ("сөз\n- тізім\n  - ішкі", "сөз\n- тізім\n  - ішкі"),
    ("сөз  \nкелесі", "сөз  \nкелесі"),  # a hard line break
    # initials: spaced, held together and to the surname
    ("Ф.И.Голощекин", f"Ф.{N}И.{N}Голощекин"),
    ("Ф. И. Голощекин", f"Ф.{N}И.{N}Голощекин"),
    ("Ф.И. Голощекин", f"Ф.{N}И.{N}Голощекин"),
    ("Т. Рысқұлов", f"Т.{N}Рысқұлов"),
    ("Голощекин Ф. И.", f"Голощекин{N}Ф.{N}И."),
    ("Ол И. В. Сталинге", f"Ол И.{N}В.{N}Сталинге"),
    # a number and its unit
    ("1931 ж.", f"1931{N}ж."),
    ("1928–1932 жж.", f"1928–1932{N}жж."),
    ("200 млн сом", f"200{N}млн{N}сом"),
    ("2 млрд 137 млн сом", f"2{N}млрд{N}137{N}млн{N}сом"),
    ("10 мыңнан астам", f"10{N}мыңнан астам"),
    ("70 км-ге", f"70{N}км-ге"),
    ("1 500 м", f"1{N}500{N}м"),
    ("266,5 шақырым", f"266,5{N}шақырым"),
    ("XIX ғ.", f"XIX{N}ғ."),
    ("5 т.б.", "5 т.б."),
    ("1927 жылы", "1927 жылы"),
    ("200млн.сом", f"200{N}млн{N}сом"),
    ("3,5 млн. адам", f"3,5{N}млн адам"),
    # percent: glued, as Kazakh writes it
    ("19,8%", "19,8%"),
    ("(47,5 %)", "(47,5%)"),
    # characters the PT fonts lack
    ("1\u202f500 және\u2009", f"1{N}500 және{N}"),
    ("көші\u2010қон\u2011", "көші-қон-"),
    ("и\u0306т", "йт"),  # decomposed й, as text pasted from some PDFs has it
    # hyphens that stay hyphens, and a minus
    ("көші-қон", "көші-қон"),
    ("1-бесжылдық", "1-бесжылдық"),
    ("БКП-ның", "БКП-ның"),
    ("30%-ы", "30%-ы"),
    ("-43%", "-43%"),
    ("температура -5°С", "температура -5°С"),
    # spacing
    ("қалды.Индустрия", "қалды. Индустрия"),
    ("металмен,көмірмен", "металмен, көмірмен"),
    ("көбейді;1930", "көбейді; 1930"),
    ("болуы(халықтың 90%-ы)", "болуы (халықтың 90%-ы)"),
    ("оқушы(лар)", "оқушы(лар)"),
    ("құрылыс(жоба)", "құрылыс (жоба)"),
    ("болуы(халықтың\n90%-ы)", "болуы (халықтың\n90%-ы)"),  # the pair spans two lines
    ("(халықтың\nкөбі)шаруалар", "(халықтың\nкөбі) шаруалар"),
    ("жұмыс(шы), мектеп(тер)ге, бала(ның)", "жұмыс(шы), мектеп(тер)ге, бала(ның)"),  # endings
    ("(қайта)құру", "(қайта)құру"),
    ("alert(1) {% if 1 %}", "alert(1) {% if 1 %}"),  # code is not prose
    ("орнықты , қазақтың", "орнықты, қазақтың"),
    ("бастады..", "бастады."),
    ("Енді?..", "Енді?.."),
    ("а  б", "а б"),
    # letters
    ("Kазақ", "Казақ"),
    ("ХІХ ғасыр", "XIX ғасыр"),
    ("сьезі", "съезі"),
    ("жол[[XIV]]", "жол[[XIV]]"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_normalise(text, expected):
    assert normalise(text) == expected
    assert normalise(expected) == expected


def real_text() -> list[str]:
    """Corpus sentences, seed lines and whole seed texts, plus random cuts through them."""
    texts = (FIXTURES / "corpus" / "ud-kazakh-ktb-test.txt").read_text(encoding="utf-8").splitlines()
    for seed in sorted((FIXTURES / "seeds").glob("*.txt")):
        whole = seed.read_text(encoding="utf-8")
        texts += [*whole.splitlines(), whole]
    joined, rng = "\n".join(texts), random.Random(4)
    starts = [rng.randrange(len(joined)) for _ in range(300)]
    return texts + [joined[start : start + rng.randint(1, 300)] for start in starts]


REAL = real_text()
NORMALISED = {text: normalise(text) for text in REAL}


def test_idempotent_on_real_text():
    assert [text for text, once in NORMALISED.items() if normalise(once) != once] == []


def test_no_safe_fix_left_after_normalising():
    assert [text for text in NORMALISED.values() if any(d.fix is not None for d in defects(text))] == []


def test_markdown_structure_is_kept():
    def structure(text: str) -> list[tuple[str, str, int]]:
        return [(token.type, token.tag, token.nesting) for token in _parser().parse(text)]

    assert [text for text, once in NORMALISED.items() if structure(text) != structure(once)] == []


def test_only_characters_the_fonts_have():
    assert normalise("1\u202f500, 2\u2009000, көші\u2010қон\u2011") == f"1{N}500, 2{N}000, көші-қон-"
    assert [text for text in NORMALISED.values() if set(text) & set("\u202f\u2009\u2010\u2011")] == []


def test_every_code_is_documented():
    seen = {d.code for text, _ in CASES for d in defects(text)}
    assert seen <= set(CODES)


def test_normalise_content_leaves_names_and_codes():
    data = {
        "id": "a-b",
        "title": '"Кіші Қазан"',
        "sections": [{"text": "1928-1932", "figures": [{"src": "a--b.svg"}]}],
        "timeline": [{"date": "1931 ж.", "event": "Түрксіб - магистраль"}],
        "grade": 9,
    }
    assert normalise_content(data) == {
        "id": "a-b",
        "title": "«Кіші Қазан»",
        "sections": [{"text": "1928–1932", "figures": [{"src": "a--b.svg"}]}],
        "timeline": [{"date": f"1931{N}ж.", "event": f"Түрксіб{N}– магистраль"}],
        "grade": 9,
    }


def test_a_range_in_cyrillic_roman_numerals_is_fixed_in_one_pass():
    text = "ХІХ-ХХ ғасырлар"
    assert [d.code for d in defects(text)] == ["K102", "K203", "K102"]
    assert apply_fixes(text, defects(text)) == "XIX–XX ғасырлар"
    assert defects("Х-І") == []  # lone Cyrillic letters are letters


@pytest.mark.parametrize(
    ("text", "code", "hint"),
    [
        ("Казақстан", "K111", "Қазақстан?"),  # к before a back vowel in a Kazakh word
        ("КАЗАҚСТАННЫҢ", "K111", "ҚАЗАҚСТАННЫҢ?"),
        ("Казақ", "K111", "Қазақ?"),
        ("Коңырат", "K111", "Қоңырат?"),
        ("Өнеркасіп", "K112", "Өнеркәсіп?"),  # а between front vowels
        ("бүгінгадей", "K112", "бүгінгәдей?"),
        ("Бұкіл", "K112", "Ұ/Ү, О/Ө, Ы/І mistyped? (Бұкіл → Бүкіл)"),
        ("күмәнды", "K112", "Ұ/Ү, О/Ө, Ы/І mistyped? (Бұкіл → Бүкіл)"),  # an ending in the wrong row
        ("кызмет", "K111", "қ?"),
    ],
)
def test_russian_letters_typed_for_kazakh_ones_are_found(text, code, hint):
    [defect] = defects(text)
    assert (defect.code, defect.hint, defect.fix) == (code, hint, None)  # a person decides


@pytest.mark.parametrize(
    "word",
    # patronymics, compounds, words after a loan prefix, loans with Kazakh endings, places
    ["Берікұлы", "Қазыбекұлы", "Гүлқызы", "қонақүй", "қолөнер", "төлқұжат", "автокөлік", "экожүйе", "биоөнім",
     "аэрофототүсіру", "жасөспірім", "еңбекақы", "жүкағаш", "көпбұрыш", "үшбұрыш", "түпнұсқа", "күншығыс",
     "оңтүстік", "Солтүстік", "құдірет", "колхозға", "колхоздастырылған", "капиталдық", "компанияның",
     "Кавказдық", "картаға", "кассасындағы", "кодқа", "газеттің", "Түркістан", "Көкшетау", "Өзбекстан",
     "кәсіпорын", "Қазақстан"],
)  # fmt: skip
def test_compounds_patronymics_and_loans_are_not_letter_defects(word):
    assert defects(word) == []


def test_a_kazakh_word_whose_stem_could_be_a_loans_is_left_alone():
    # Кара|ған|ды reads like колхоз|ға|н: no letter only Kazakh writes is left in the stem
    assert defects("Карағанды") == []


def test_the_letter_rules_are_quiet_on_real_text():
    words = {text[d.start : d.end] for text in NORMALISED.values() for d in defects(text) if d.code in ("K111", "K112")}
    assert all(word.startswith("Бұкіл") for word in words), words  # the seed's own typo (Бүкілқазақтық)
