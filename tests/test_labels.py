"""Page labels: every locale has every key, numbered phrases follow each language's grammar, and
a lesson rendered in one locale shows its own labels and no word of another's."""

from __future__ import annotations

import re

import pytest
import yaml
from pydantic import ValidationError

from booklet import BookletError, Renderer, load_course, load_lesson
from booklet.book import render_book
from booklet.choices import KINDS, LANGUAGES
from booklet.labels import Labels, labels_for
from booklet.lesson_build import render_lesson
from booklet.resources import locale_file

from .conftest import EVERY_KIND, FIXTURES, PdfText, build_once, strings


def raw_locale(lang: str) -> dict:
    return yaml.safe_load(locale_file(lang).read_text(encoding="utf-8"))


def keys(data: dict, prefix: str = "") -> set[str]:
    found = set()
    for key, value in data.items():
        found.add(prefix + key)
        if isinstance(value, dict):
            found |= keys(value, f"{prefix}{key}.")
    return found


def words(text: str) -> set[str]:
    """The words and numbers of `text`, case-folded; a word hyphenated at a line's end is joined
    again, and a number glued to a word by the PDF's text extraction («2Айнабұлақ») is split off."""
    return {word.casefold() for word in re.findall(r"\d+|[^\W\d_]+", re.sub(r"-\n", "", text))}


def flat(text: str) -> str:
    """Text without white space or hyphens, case-folded: a phrase matches however it was broken."""
    return re.sub(r"[\s\u00ad-]", "", text).casefold()


def label_words(lang: str) -> set[str]:
    return {word for text in strings(raw_locale(lang)) for word in words(text.replace("{n}", " "))}


def content_words() -> set[str]:
    """Words the fixture lesson itself prints, including the text inside its figure."""
    lesson = load_lesson(EVERY_KIND)
    figure_text = " ".join((EVERY_KIND.parent / figure.src).read_text(encoding="utf-8") for figure in lesson.figures)
    return {word for text in strings(lesson.model_dump()) for word in words(text)} | words(figure_text)


@pytest.fixture(scope="module")
def pages(renderer: Renderer, built_lessons, once_per_run) -> dict[str, dict[str, PdfText]]:
    """The fixture lesson's four printouts in each locale; Kazakh, the default, is the
    session's build of it, so it is not rendered twice."""

    def other_languages() -> dict[str, dict[str, PdfText]]:
        lesson = load_lesson(EVERY_KIND)
        return {
            lang: {
                kind: PdfText(result.pdf)
                for kind, result in render_lesson(lesson, EVERY_KIND.parent, KINDS, renderer, labels_for(lang)).items()
            }
            for lang in LANGUAGES
            if lang != "kk"
        }

    return {"kk": build_once("every_kind", built_lessons, renderer).text, **once_per_run("labels", other_languages)}


def test_every_locale_has_the_same_keys_and_loads():
    expected = keys(raw_locale("kk"))
    for lang in LANGUAGES:
        assert keys(raw_locale(lang)) == expected, lang
        assert isinstance(labels_for(lang), Labels)


def test_a_missing_or_unknown_key_fails_when_the_locale_loads():
    data = raw_locale("ru")
    del data["page"]
    with pytest.raises(ValidationError, match="page"):
        Labels.model_validate(data)
    data = raw_locale("ru") | {"pgae": "Страница"}
    with pytest.raises(ValidationError, match="pgae"):
        Labels.model_validate(data)
    data = raw_locale("ru")
    del data["instructions"]["cloze"]
    with pytest.raises(ValidationError, match="cloze"):
        Labels.model_validate(data)


@pytest.mark.parametrize("bad", ["Задание", "Задание {n} из {total}", "Задание {n} {n}", "Задание {}"])
def test_a_numbered_phrase_holds_its_number_once(bad):
    with pytest.raises(ValidationError, match="exercise_number"):
        Labels.model_validate(raw_locale("ru") | {"exercise_number": bad})


def test_letters_and_marks_are_checked():
    with pytest.raises(ValidationError, match="at least 12"):
        Labels.model_validate(raw_locale("en") | {"letters": list("ABCDEF")})
    with pytest.raises(ValidationError, match="all different"):
        Labels.model_validate(raw_locale("en") | {"letters": list("ABCDEFGHIJKA")})
    with pytest.raises(ValidationError, match="two different marks"):
        Labels.model_validate(raw_locale("en") | {"false_mark": "T"})
    with pytest.raises(ValidationError, match="does not tell the pupil"):
        Labels.model_validate(raw_locale("en") | {"true_mark": "Y"})


@pytest.mark.parametrize(
    ("lang", "exercise", "lesson", "grade", "variant"),
    [
        ("kk", "3-тапсырма", "2-сабақ", "9-сынып", "1-нұсқа"),
        ("ru", "Задание 3", "Урок 2", "9\u00a0класс", "Вариант 1"),
        ("en", "Exercise 3", "Lesson 2", "Grade 9", "Version 1"),
    ],
)
def test_numbered_phrases_follow_the_grammar(lang, exercise, lesson, grade, variant):
    labels = labels_for(lang)
    assert labels.exercise_number(3) == exercise
    assert labels.lesson_number(2) == lesson
    assert labels.grade_number(9) == grade
    assert labels.variant_number(1) == variant
    assert labels.variant and labels.points


def test_labels_for_refuses_what_it_does_not_have():
    with pytest.raises(BookletError, match="choose from kk, ru, en"):
        labels_for("de")
    with pytest.raises(BookletError, match="choose from cyrl, latn"):
        labels_for("kk", "arab")
    with pytest.raises(BookletError, match="Latin script is for Kazakh"):
        labels_for("ru", "latn")
    assert labels_for("en", "latn") == labels_for("en")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_printout_shows_its_locales_labels(pages, lang):
    labels = labels_for(lang)
    printed = pages[lang]
    titles = {"handout": labels.handout, "tables": labels.tables_sheet, "worksheet": labels.worksheet}
    for kind, title in titles.items() | {("key", labels.answer_key)}:
        for number, text in enumerate(printed[kind].pages, start=1):
            assert flat(title) in flat(text), f"{lang} {kind} page {number}: no {title!r}"
            assert flat(f"{labels.page} {number} / {len(printed[kind].pages)}") in flat(text)
    sheet = flat("".join(printed["worksheet"].pages))
    for phrase in (labels.name, labels.class_, labels.date, labels.grade_number(9), labels.word_bank):
        assert flat(phrase) in sheet, phrase
    for number in range(1, 9):
        assert flat(labels.exercise_number(number)) in sheet
    for instruction in labels.instructions.model_dump().values():
        if instruction != labels.instructions.cloze:  # the fixture's cloze has a word bank
            assert flat(instruction) in sheet, instruction
    key = flat("".join(printed["key"].pages))
    assert flat(labels.answer_table_title) in key and flat(labels.also_accepted) in key
    handout = flat("".join(printed["handout"].pages))
    for heading in (labels.objectives, labels.terms, labels.people, labels.person_role, labels.timeline):
        assert flat(heading) in handout, heading
    assert flat(f"{labels.figure} 1.") in handout


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_printout_shows_a_word_of_another_locale(pages, lang):
    own = label_words(lang) | content_words()
    printed = words("\n".join(text for pdf in pages[lang].values() for text in pdf.pages))
    for other in LANGUAGES:
        if other != lang:
            foreign = {word for word in label_words(other) - own if len(word) >= 3}
            assert not printed & foreign, f"{lang} pages show {other} labels: {sorted(printed & foreign)}"


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_kazakh_label_words_are_gone(pages, lang):
    printed = words("\n".join(text for pdf in pages[lang].values() for text in pdf.pages))
    assert not printed & {"тапсырма", "бет", "аты", "жөні", "сынып", "кілті", "парағы", "жауаптар"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_word_on_the_page_is_content_or_a_label(pages, lang):
    """No fixed word is left in a template: whatever is not the lesson's is its locale's."""
    printed = words("\n".join(text for pdf in pages[lang].values() for text in pdf.pages))
    stray = {word for word in printed - label_words(lang) - content_words() if not word.isdigit()}
    assert not stray, f"{lang}: words from neither the lesson nor the locale: {sorted(stray)}"


def test_a_book_in_russian(renderer):
    textbook = load_course(FIXTURES / "course.yaml")
    labels = labels_for("ru")
    pdf = PdfText(render_book(textbook, renderer, with_worksheets=True, labels=labels).pdf)
    text = "\n".join(pdf.pages)
    for phrase in ("9\u00a0класс", "Содержание", "Урок 1. Түрксіб темір жолы", "(Урок 1, Урок 2)", "Задание 8"):
        assert flat(phrase) in flat(text), phrase
    assert flat(labels.glossary) in flat(text) and flat(labels.answers_appendix) in flat(text)
    assert not words(text) & {"сабақ", "мазмұны", "тапсырма", "сынып", "жауаптары"}
