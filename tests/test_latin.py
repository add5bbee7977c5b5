"""Kazakh in the 2021 Latin alphabet: the reference table, Turkish-style casing, the seed texts,
and a Latin worksheet and key whose PDFs hold no Cyrillic letter and still agree."""

from __future__ import annotations

import re

import pytest
from fontTools.ttLib import TTFont
from pydantic import ValidationError

from booklet import BookletError, Lesson, Renderer, load_course, load_lesson, sample_course
from booklet.book import render_book
from booklet.choices import KINDS
from booklet.labels import labels_for
from booklet.latin import (
    CHOICE_LETTERS,
    LATIN_ALPHABET,
    SETTING_LETTERS,
    LatinSettings,
    latin_labels,
    latin_lesson,
    latin_textbook,
    latin_upper,
    to_latin,
)
from booklet.lesson_build import render_lesson
from booklet.model import (
    Categorize,
    Cloze,
    Gap,
    Matching,
    MultipleChoice,
    Ordering,
    ShortAnswer,
    TableCompletion,
    TrueFalse,
    parse_cloze,
)
from booklet.resources import fonts_dir

from .conftest import EVERY_KIND, FIXTURES, PdfText, squash, strings
from .test_keys import _letter_before

KAZAKH = "АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯ"
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
SEEDS = FIXTURES / "seeds"

# The table of ../shared/kazakh/README.md, copied here rather than trusted from booklet:
# Cyrillic capital, Latin capital, Latin small.
REFERENCE = """
А A a  Ә Ä ä  Б B b  В V v  Г G g  Ғ Ğ ğ  Д D d  Е E e  Ж J j  З Z z  И İ i  Й İ i
К K k  Қ Q q  Л L l  М M m  Н N n  Ң Ñ ñ  О O o  Ө Ö ö  П P p  Р R r  С S s  Т T t
У U u  Ұ Ū ū  Ү Ü ü  Ф F f  Х H h  Һ H h  Ш Ş ş  Ы Y y  І I ı
"""
TABLE = [tuple(REFERENCE.split()[i : i + 3]) for i in range(0, len(REFERENCE.split()), 3)]


def seed_text() -> str:
    return " ".join(re.sub(r"\s+", " ", path.read_text(encoding="utf-8")) for path in sorted(SEEDS.glob("*.txt")))


def test_the_reference_table_has_the_33_letters():
    assert len(TABLE) == 33
    assert {cyr for cyr, _, _ in TABLE} == set(KAZAKH) - set("ЁЦЧЩЪЬЭЮЯ")


@pytest.mark.parametrize(("cyrillic", "capital", "small"), TABLE)
def test_each_letter_as_the_reference_writes_it(cyrillic, capital, small):
    assert to_latin(cyrillic) == capital
    assert to_latin(cyrillic.lower()) == small


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("ҚАЗАҚСТАН", "QAZAQSTAN"),
        ("ИНДУСТРИЯ", "İNDUSTRİA"),  # И is İ in capitals; Я after И drops its glide (no «İİA»)
        ("Индустрияландыру", "İndustrialandyru"),
        ("ІЛЕ", "ILE"),
        ("Іле", "Ile"),
        ("іні", "ını"),
        ("Ия", "İa"),
        ("Ясауи", "İasaui"),
        ("ЯССЫ", "İASSY"),
        ("Я", "İa"),
        ("ЮНЕСКО", "İUNESKO"),
        ("КСРО, БКП-ның", "KSRO, BKP-nyñ"),
        ("ҚазҰУ", "QazŪU"),
    ],
)
def test_casing_is_turkish_style(cyrillic, latin):
    assert to_latin(cyrillic) == latin


def test_python_upper_is_not_used():
    assert "ini".upper() == "INI"  # what str.upper would print: wrong for Kazakh
    assert latin_upper("inı") == "İNI"


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [("Ё", "İo"), ("ц", "s"), ("Ч", "Ç"), ("щ", "ş"), ("ъ", ""), ("Ь", ""), ("Э", "E"), ("ю", "iu"), ("я", "ia")],
)
def test_russian_only_letters_by_default(cyrillic, latin):
    assert to_latin(cyrillic) == latin


def test_russian_only_letters_are_a_setting():
    settings = LatinSettings(russian_letters={"я": "ya", "ц": "ts"}, no_double_i=False)
    assert to_latin("ИНДУСТРИЯ", settings) == "İNDUSTRİYA"
    assert to_latin("социалистік", settings) == "sotsialistık"
    assert to_latin("чек", settings) == "çek"  # the letters not given keep their default
    with pytest.raises(ValidationError, match="not one of"):
        LatinSettings(russian_letters={"ж": "zh"})
    with pytest.raises(ValidationError, match="lower-case letters"):
        LatinSettings(russian_letters={"я": "YA"})
    with pytest.raises(ValidationError, match="lower-case letters"):
        LatinSettings(russian_letters={"щ": "щ"})


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        (
            "Біріншіден, өлкенің экономикалық дәстүрі толық өзгерді",
            "Bırınşıden, ölkenıñ ekonomikalyq dästürı tolyq özgerdı",
        ),
        (
            "Қала халқының жартысы дерлік (47,5 %) 50 мыңнан астам халқы бар қалаларда жинақталды.",
            "Qala halqynyñ jartysy derlık (47,5 %) 50 myñnan astam halqy bar qalalarda jinaqtaldy.",
        ),
        ("1925 жылғы желтоқсан – БКП-ның XIV сьезі", "1925 jylğy jeltoqsan – BKP-nyñ XIV sezı"),
        ("ЖЭС тоқтатылып әскери коммунизм", "JES toqtatylyp äskeri kommunizm"),
        ("социалистік индустрияландыру бағыты", "sosialistık industrialandyru bağyty"),
    ],
)
def test_sentences_from_the_seeds(cyrillic, latin):
    assert cyrillic in seed_text()
    assert to_latin(cyrillic) == latin


def test_digits_punctuation_markdown_and_spaces_are_kept():
    text = "**Түрксіб** – «темір жол»,\u00a01927–1931\u00a0жж. *Ф.\u00a0И.\u00a0Голощекин* (19,8%) [[Шатов|Шатовтың]]\n\n- бір"
    assert to_latin(text) == (
        "**Türksıb** – «temır jol»,\u00a01927–1931\u00a0jj. *F.\u00a0İ.\u00a0Goloşekin* (19,8%) [[Şatov|Şatovtyñ]]\n\n- bır"
    )


def test_converting_twice_changes_nothing():
    once = to_latin(seed_text())
    assert to_latin(once) == once
    assert not CYRILLIC.search(once)
    latin = "QAZAQSTAN İndustrialandyru ını Ile İ i I ı Ä Ğ Ñ Ö Ş Ū Ü Ç «D» 1-tapsyrma"
    assert to_latin(latin) == latin


def test_no_cyrillic_letter_is_left():
    for settings in (LatinSettings(), LatinSettings(no_double_i=False)):
        assert not CYRILLIC.search(to_latin(KAZAKH + KAZAKH.lower() + " ИЯ ия ЙЮ йё", settings))


def emitted_letters() -> set[str]:
    """Every letter booklet's Latin output can contain, with any allowed setting."""
    letters = set(to_latin(KAZAKH + KAZAKH.lower())) | set(CHOICE_LETTERS) | set(LATIN_ALPHABET)
    letters |= SETTING_LETTERS | set(latin_upper("".join(SETTING_LETTERS)))
    labels = latin_labels(labels_for("kk"))
    return letters | {ch for text in strings(labels.as_data()) for ch in text}


@pytest.mark.parametrize("font", sorted(path.name for path in fonts_dir().glob("*.ttf")))
def test_the_bundled_fonts_have_every_latin_letter(font):
    cmap = TTFont(fonts_dir() / font, lazy=True).getBestCmap()
    missing = sorted(ch for ch in emitted_letters() if not ch.isspace() and ord(ch) not in cmap)
    assert not missing, f"{font} lacks {missing}"


def test_labels_in_latin():
    labels = labels_for("kk", "latn")
    assert labels == latin_labels(labels_for("kk"))
    assert not [text for text in strings(labels.as_data()) if CYRILLIC.search(text)]
    assert labels.exercise_number(3) == "3-tapsyrma"
    assert labels.grade_number(9) == "9-synyp"
    assert (labels.name, labels.page, labels.answer_key) == ("Aty-jönı", "Bet", "Jauap kıltı")
    assert (labels.true_mark, labels.false_mark) == ("D", "J")
    assert "«D»" in labels.instructions.true_false and "«J»" in labels.instructions.true_false


def test_choice_letters_are_latin_and_not_confusable():
    letters = labels_for("kk", "latn").letters
    assert len(letters) == len(labels_for("kk").letters) == len(set(letters))
    assert all(letter in LATIN_ALPHABET for letter in letters)
    assert list(letters) == sorted(letters, key=LATIN_ALPHABET.index)
    assert not set(letters) & set("ÄĞİIÑOÖQŞŪÜ")  # a diacritic that a hand drops, I/İ/l/1, O/Q/0


def test_a_lesson_in_latin_keeps_its_names_and_its_cloze_marks():
    lesson = load_lesson(EVERY_KIND)
    latin = latin_lesson(lesson)
    assert latin.id == lesson.id
    assert [f.src for f in latin.figures] == [f.src for f in lesson.figures]
    assert [t.id for t in latin.tables] == [t.id for t in lesson.tables]
    cloze, table = latin.worksheet.exercises[0], latin.worksheet.exercises[6]
    assert isinstance(cloze, Cloze) and isinstance(table, TableCompletion)
    assert table.table == "turksib"
    assert cloze.gaps == [Gap("1927"), Gap("Ainabūlaq", ("Ainabūlaq stansiasy",)), Gap("Şatov")]
    assert "[[Ainabūlaq|Ainabūlaq stansiasy]]" in cloze.text
    assert latin.title == "Türksıb temır joly"


def test_latin_pages_carry_the_latin_language_tag_so_they_are_hyphenated_as_latin():
    from booklet.book import book_html
    from booklet.printouts import html_for

    lesson = load_lesson(EVERY_KIND)
    latin = latin_lesson(lesson)
    assert (lesson.script, latin.script) == (None, "latn")
    assert '<html lang="kk">' in html_for("handout", lesson, labels_for("kk"))
    assert '<html lang="kk-Latn">' in html_for("handout", latin, labels_for("kk", "latn"))
    textbook = latin_textbook(load_course(FIXTURES / "course.yaml"))
    assert '<html lang="kk-Latn">' in book_html(textbook, labels_for("kk", "latn"))


@pytest.mark.parametrize("path", [EVERY_KIND, *[path for path, _ in load_course(sample_course()).lessons]])
def test_no_content_string_keeps_a_cyrillic_letter(path):
    left = [text for text in strings(latin_lesson(load_lesson(path)).model_dump()) if CYRILLIC.search(text)]
    assert not left


def test_spellings_the_latin_alphabet_merges_are_reported():
    data = load_lesson(EVERY_KIND).model_dump(by_alias=True)
    question = data["worksheet"]["exercises"][2]["questions"][0]
    question["options"], question["answer"] = ["Хан", "Һан", "Бек"], "Хан"
    with pytest.raises(BookletError, match="in the Latin alphabet: .*given twice"):
        latin_lesson(Lesson.model_validate(data))


def latin_answers(lesson: Lesson, sheet_text: str) -> list[str]:
    """Every answer the key must print, from the (Latin) lesson and the letters the worksheet shows."""
    answers: list[str] = []
    for exercise in lesson.worksheet.exercises:
        if isinstance(exercise, Cloze):
            answers += [part.answer for part in parse_cloze(exercise.text) if isinstance(part, Gap)]
        elif isinstance(exercise, Matching):
            answers += [_letter_before(sheet_text, pair.right) for pair in exercise.pairs]
        elif isinstance(exercise, MultipleChoice):
            answers += [_letter_before(sheet_text, question.answer) for question in exercise.questions]
        elif isinstance(exercise, TrueFalse):
            answers += ["D" if statement.answer else "J" for statement in exercise.statements]
        elif isinstance(exercise, Ordering):
            answers += [str(number) for number in range(1, len(exercise.events) + 1)]
        elif isinstance(exercise, ShortAnswer):
            answers += [question.answer for question in exercise.questions]
        elif isinstance(exercise, TableCompletion):
            table = next(t for t in lesson.tables if t.id == exercise.table)
            answers += [table.rows[row - 1][column - 1] for row, column in exercise.blanks]
        elif isinstance(exercise, Categorize):
            answers += [item for category in exercise.categories for item in category.items]
    return answers


@pytest.fixture(scope="module")
def latin_pages(renderer: Renderer) -> tuple[Lesson, dict[str, PdfText]]:
    lesson = latin_lesson(load_lesson(EVERY_KIND))
    rendered = render_lesson(lesson, EVERY_KIND.parent, KINDS, renderer, labels_for("kk", "latn"))
    return lesson, {kind: PdfText(result.pdf) for kind, result in rendered.items()}


def test_latin_pages_hold_no_cyrillic_letter(latin_pages):
    _, pages = latin_pages
    for kind in ("worksheet", "key", "tables"):
        found = CYRILLIC.findall("".join(pages[kind].pages))
        assert not found, f"{kind}: {found}"
    # The handout's only Cyrillic is the text drawn inside the figure's own SVG file.
    figure = (EVERY_KIND.parent / "figures" / "bars.svg").read_text(encoding="utf-8")
    assert set(CYRILLIC.findall("".join(pages["handout"].pages))) <= set(CYRILLIC.findall(figure))
    assert "1-tapsyrma" in pages["worksheet"].pages[0] and "Bet 1 /" in pages["key"].pages[0]


def test_latin_key_answers_its_worksheet(latin_pages):
    lesson, pages = latin_pages
    sheet, key = pages["worksheet"], pages["key"]
    drawn = squash("".join(key.answers[: len(sheet.pages)]))
    for answer in sorted(latin_answers(lesson, "\n".join(sheet.pages)), key=len, reverse=True):
        assert squash(answer) in drawn, f"{answer!r} is not in the key"
        drawn = drawn.replace(squash(answer), "", 1)
    assert drawn == "", f"the key shows answers to no question: {drawn!r}"
    assert sheet.answers == [""] * len(sheet.pages)
    table = squash("".join(key.pages[len(sheet.pages) :]))
    assert squash("4-tapsyrma 1\u00a0– D; 2\u00a0– J") in table


def test_a_book_in_latin(renderer):
    textbook = latin_textbook(load_course(FIXTURES / "course.yaml"))
    assert textbook.course.title == "İndustrialandyru (synaq kursy)"
    assert textbook.course.lessons == ["every-kind/lesson.yaml", "second.yaml"]
    assert [path.name for path, _ in textbook.lessons] == ["lesson.yaml", "second.yaml"]
    pdf = PdfText(render_book(textbook, renderer, with_worksheets=True, labels=labels_for("kk", "latn")).pdf)
    text = "\n".join(pdf.pages)
    figure = (EVERY_KIND.parent / "figures" / "bars.svg").read_text(encoding="utf-8")
    assert set(CYRILLIC.findall(text)) <= set(CYRILLIC.findall(figure))
    assert "1-sabaq. Türksıb temır joly" in text and "Mazmūny" in text
    assert "9-synyp" in text


def test_latin_words_sort_in_the_2021_alphabets_order():
    from booklet.kazakh import fold, sort_key

    words = ["Zat", "Şahta", "Sana", "Üles", "Ūjym", "İri", "Işkı", "Ğylym", "Gül", "Bala", "Ärıp", "Ağa"]
    assert sorted(words, key=sort_key) == [
        "Ağa",
        "Ärıp",
        "Bala",
        "Gül",
        "Ğylym",
        "Işkı",
        "İri",
        "Sana",
        "Şahta",
        "Ūjym",
        "Üles",
        "Zat",
    ]
    assert fold("İRİ") == "iri" and fold("IŞKI") == "ışkı"


def test_a_lessons_own_latin_spelling_is_used_when_it_is_built_in_latin(tmp_path):
    from booklet import build

    from .conftest import PdfText, write_lesson

    text = EVERY_KIND.read_text(encoding="utf-8").replace("Ірі машиналы өндірісті құру.", "Голощекин мен Щучье.")
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "bars.svg").write_bytes((EVERY_KIND.parent / "figures" / "bars.svg").read_bytes())
    lesson = write_lesson(tmp_path, text)
    [default] = build(lesson, tmp_path / "default", ["handout"], script="latn")
    assert "Goloşekin men Şuçe" in "".join(PdfText(default.path.read_bytes()).pages)
    write_lesson(tmp_path, "latin:\n  russian_letters: {щ: sç, ч: ch}\n" + text)
    [own] = build(lesson, tmp_path / "own", ["handout"], script="latn")
    assert "Golosçekin men Sçuche" in "".join(PdfText(own.path.read_bytes()).pages)
