"""The derived worksheet: fixed shuffles, blank sizes, Kazakh order. Pure functions, no PDF."""

from __future__ import annotations

from booklet import load_lesson
from booklet.kazakh import sort_key
from booklet.labels import labels_for
from booklet.typeset import GEOMETRY, answer_width
from booklet.worksheet import Blank, derive_sheet

from .conftest import EVERY_KIND


def sheet():
    return derive_sheet(load_lesson(EVERY_KIND), labels_for("kk"))


def test_derivation_is_deterministic():
    assert sheet() == sheet()


def test_shuffled_columns_never_keep_the_written_order():
    lesson = load_lesson(EVERY_KIND)
    exercises = {e.kind: e for e in sheet().exercises}
    matching = lesson.worksheet.exercises[1]
    written = [pair.right for pair in matching.pairs] + list(matching.extra)
    assert [c.text for c in exercises["matching"].choices] != written
    assert sorted(c.text for c in exercises["matching"].choices) == sorted(written)
    ordering = lesson.worksheet.exercises[4]
    assert [item.text for item in exercises["ordering"].items] != list(ordering.events)


def test_blanks_fit_handwriting_and_the_printed_answer():
    blanks = [p for e in sheet().exercises for p in e.parts if isinstance(p, Blank)]
    assert [b.answer for b in blanks] == ["1927", "Айнабұлақ", "Шатов"]
    for blank in blanks:
        assert blank.width >= GEOMETRY.min_blank
        assert blank.width >= answer_width(blank.answer) * GEOMETRY.handwriting
    # the accepted alternative is longer than the printed answer, so it sizes the blank
    assert blanks[1].width >= answer_width("Айнабұлақ станциясы") * GEOMETRY.handwriting


def test_word_bank_is_in_kazakh_alphabetical_order():
    cloze = sheet().exercises[0]
    assert cloze.bank == ("1927", "Айнабұлақ", "Қарағанды", "Шатов")


def test_kazakh_order_is_not_code_point_order():
    words = ["үй", "ұн", "іс", "ыдыс", "ағаш", "әже", "өрік", "оқу", "ірі", "ьюм"]
    assert sorted(words, key=sort_key) == ["ағаш", "әже", "оқу", "өрік", "ұн", "үй", "ыдыс", "ірі", "іс", "ьюм"]
    assert sorted(words) != sorted(words, key=sort_key)


def test_true_false_and_choice_answers():
    exercises = {e.kind: e for e in sheet().exercises}
    assert [i.answer for i in exercises["true_false"].items] == ["Д", "Ж"]
    assert [i.answer for i in exercises["multiple_choice"].items] == ["Б"]
