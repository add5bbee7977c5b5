"""The words of a scanning run's files: the same things said in kk, ru and en, none missing."""

from __future__ import annotations

import copy
import pickle
import string
from dataclasses import fields

import pytest

from booklet.choices import LANGUAGES
from booklet.scan.words import EN, KK, RU, WORDS, PageProblem, Words, words_for


def _fields_of(text: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]


def test_every_language_has_its_words():
    assert tuple(WORDS) == ("kk", "ru", "en") and set(WORDS) == set(LANGUAGES)
    assert [words_for(lang) for lang in ("kk", "ru", "en")] == [KK, RU, EN]
    with pytest.raises(ValueError, match="choose from kk, ru, en"):
        words_for("de")


NUMBERED = {
    "task_number",
    "page_number",
    "incomplete_doubts",
    "descriptor_label",
    "item_number",
    "descriptor_number",
    "descriptor_points",
    "line_number",
    "leaves_incomplete",
}
"""The phrases with a number in them, as `{n}`."""


@pytest.mark.parametrize("words", [KK, RU, EN], ids=lambda w: w.lang)
def test_no_word_is_blank_and_each_phrase_holds_its_number(words: Words):
    for field in fields(Words):
        value = getattr(words, field.name)
        texts = list(value.values()) if hasattr(value, "values") else [value]
        assert all(isinstance(text, str) and text.strip() for text in texts), field.name
        if field.name != "page_problems":
            wanted = ["n"] if field.name in NUMBERED else []
            assert all(_fields_of(text) == wanted for text in texts), (field.name, texts)
    assert words.how_to_correct.count("`") % 2 == 0


@pytest.mark.parametrize("words", [RU, EN], ids=lambda w: w.lang)
def test_the_same_reasons_and_problems_in_every_language(words: Words):
    assert words.doubt_reasons.keys() == KK.doubt_reasons.keys()
    assert words.states.keys() == KK.states.keys() == {"filled", "empty", "uncertain"}
    assert words.page_problems.keys() == KK.page_problems.keys()
    for code, text in words.page_problems.items():
        assert sorted(_fields_of(text)) == sorted(_fields_of(KK.page_problems[code])), code


def test_a_page_problem_is_the_english_sentence_with_its_code():
    problem = PageProblem("circles-lost", lost=7, count=61)
    assert problem == "7 of 61 printed circles are not where the sheet has them: scan the page again"
    assert (problem.code, dict(problem.values)) == ("circles-lost", {"lost": "7", "count": "61"})
    assert RU.page_problem(problem) == "7 из 61 напечатанных кружков не на своих местах: отсканируйте страницу ещё раз"
    assert KK.page_problem(problem).startswith("басылған дөңгелектердің бір бөлігі (7 / 61)")
    for again in (pickle.loads(pickle.dumps(problem)), copy.deepcopy(problem)):
        assert again == problem and again.code == "circles-lost" and RU.page_problem(again) == RU.page_problem(problem)
    assert KK.page_problem("no QR code found") == "no QR code found"  # a problem without a code, as it is


def test_words_are_frozen():
    with pytest.raises(AttributeError):
        KK.pupil = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        KK.states["filled"] = "x"  # type: ignore[index]
