"""The key against its worksheet, read from the PDFs: answers where the blanks are, page by page.

Expected answers come from the lesson file itself (and, for letters, from what the worksheet
PDF prints beside each option), never from booklet's derived sheet, so a wrong letter or a
shifted page in booklet's own logic fails here.
"""

from __future__ import annotations

import re

from booklet import load_lesson
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

from .conftest import squash


def _letter_before(sheet_text: str, text: str) -> str:
    """The letter the worksheet prints before an option or right-column item: «Б) 200 млн сом».

    Only the option's start is matched: a long option wraps inside its column and the text
    of two columns then interleaves, but its first words always follow its letter.
    """
    letters = set(re.findall(r"(\w)\)" + re.escape(squash(text)[:14]), squash(sheet_text)))
    assert len(letters) == 1, f"option {text!r}: letters {letters} on the worksheet"
    return letters.pop()


def cell_start(text: str) -> str:
    """The first word of a table cell: a cell's later lines interleave with its neighbours' text."""
    return text.split()[0][:12]


def expected_answers(lesson, sheet) -> list[tuple[int, str]]:
    """(worksheet page, answer printed in the key) for every question, in reading order."""
    found: list[tuple[int, str]] = []
    whole = "\n".join(sheet.pages)
    for number, exercise in enumerate(lesson.worksheet.exercises, start=1):
        start = sheet.page_of(f"{number}-тапсырма")

        def page(fragment: str, start: int = start, number: int = number) -> int:
            for index in range(start, len(sheet.pages)):
                if squash(fragment) in squash(sheet.pages[index]):
                    return index
            raise AssertionError(f"exercise {number}: {fragment!r} not on the worksheet")

        if isinstance(exercise, Cloze):
            parts = parse_cloze(exercise.text)
            for index, part in enumerate(parts):
                if isinstance(part, Gap):
                    before = next((p for p in reversed(parts[:index]) if isinstance(p, str) and p.strip()), None)
                    after = next((p for p in parts[index + 1 :] if isinstance(p, str) and p.strip()), "")
                    fragment = squash(before)[-20:] if before else squash(after)[:20]
                    found.append((page(fragment), part.answer))
        elif isinstance(exercise, Matching):
            for pair in exercise.pairs:
                found.append((page(pair.left), _letter_before(whole, pair.right)))
        elif isinstance(exercise, MultipleChoice):
            for question in exercise.questions:
                found.append((page(question.question), _letter_before(whole, question.answer)))
        elif isinstance(exercise, TrueFalse):
            for statement in exercise.statements:
                found.append((page(statement.statement), "Д" if statement.answer else "Ж"))
        elif isinstance(exercise, Ordering):
            shown = sorted(exercise.events, key=lambda event: (page(event), squash(whole).index(squash(event))))
            found += [(page(event), str(exercise.events.index(event) + 1)) for event in shown]
        elif isinstance(exercise, ShortAnswer):
            found += [(page(q.question), q.answer) for q in exercise.questions]
        elif isinstance(exercise, TableCompletion):
            table = next(t for t in lesson.tables if t.id == exercise.table)
            for row, column in sorted(exercise.blanks):
                found.append(
                    (
                        page(cell_start(table.rows[row - 1][0] if column != 1 else table.rows[row - 1][1])),
                        table.rows[row - 1][column - 1],
                    )
                )
        elif isinstance(exercise, Categorize):
            depth = max(len(c.items) for c in exercise.categories)
            label_page = page(cell_start(exercise.categories[0].label))
            for row in range(depth):
                found += [(label_page, c.items[row]) for c in exercise.categories if row < len(c.items)]
    return found


def test_key_prints_each_answer_on_its_questions_page(built):
    name = built.path.name
    lesson = load_lesson(built.path)
    sheet, key = built.text["worksheet"], built.text["key"]
    expected = expected_answers(lesson, sheet)
    for page in range(len(sheet.pages)):
        drawn = squash(key.answers[page])
        # Positioned boxes (short-answer overlays) are painted after the flow, so compare
        # the answers as a collection: each must be drawn there, and nothing else.
        for answer in sorted((a for on, a in expected if on == page), key=len, reverse=True):
            assert squash(answer) in drawn, f"{name}: {answer!r} missing from key page {page + 1}"
            drawn = drawn.replace(squash(answer), "", 1)
        assert drawn == "", f"{name}: key page {page + 1} shows answers to questions of other pages: {drawn!r}"


def test_worksheet_draws_no_answer(built):
    assert built.text["worksheet"].answers == [""] * len(built.text["worksheet"].pages)


def test_worksheet_text_has_no_written_answer(built):
    """Answers that are words (not letters) must not be readable anywhere on the sheet."""
    lesson = load_lesson(built.path)
    sheet = squash("".join(built.text["worksheet"].pages))
    banked = {gap.answer for e in lesson.worksheet.exercises if isinstance(e, Cloze) and e.word_bank for gap in e.gaps}
    for exercise in lesson.worksheet.exercises:
        if isinstance(exercise, Cloze):
            for gap in exercise.gaps:
                if gap.answer not in banked:
                    assert squash(gap.answer) not in sheet
        elif isinstance(exercise, ShortAnswer):
            assert all(squash(q.answer) not in sheet for q in exercise.questions)


def test_key_has_the_sheets_pages_then_an_answer_table(built):
    sheet, key = built.text["worksheet"], built.text["key"]
    assert len(key.pages) > len(sheet.pages)
    table_pages = key.pages[len(sheet.pages) :]
    assert "Жауаптар кестесі" in table_pages[0]
    for number, text in enumerate(sheet.pages, start=1):
        assert f"Бет {number} / {len(sheet.pages)}" in text
        assert f"Бет {number} / {len(key.pages)}" in key.pages[number - 1]
        headings = re.findall(r"\d+-тапсырма", text)
        assert headings == re.findall(r"\d+-тапсырма", key.pages[number - 1])


def test_answer_table_lists_every_answer(built):
    sheet_pages = len(built.text["worksheet"].pages)
    table = squash("".join(built.text["key"].answers[sheet_pages:]))
    for exercise in built.sheet.exercises:
        for entry in exercise.key:
            assert squash(entry.answer) in table


def test_anchors_prove_the_same_pagination(built):
    sheet, key = built.rendered["worksheet"], built.rendered["key"]
    for page in range(sheet.pages):
        assert sheet.anchors(page) == key.anchors(page)
