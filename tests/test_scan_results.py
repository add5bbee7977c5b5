"""Marking read answer sheets, corrections, and the files a scanning run writes.

The readings are made here from the key of the bundled exam's variants (circles at made-up
places on a drawn page), so these tests check marking and reporting without scanning.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import zipfile
from collections.abc import Callable

import numpy as np
import pytest
from markupsafe import escape

from booklet.errors import ContentError
from booklet.exam import Variant, derive_variants
from booklet.exam_loader import load_exam
from booklet.exam_pages import answer_tasks
from booklet.lesson_build import page_settings
from booklet.qr import SheetId
from booklet.resources import sample_exam
from booklet.roster import Pupil
from booklet.scan.annotated import head_lines, unreadable_lines
from booklet.scan.corrections import correction_lines, corrections_csv, read_corrections
from booklet.scan.geometry import Box, Circle, SheetGeometry, TickBox, markers
from booklet.scan.grade import not_this_exam, run_words
from booklet.scan.marking import apply_corrections, mark_all, mark_for, mark_sheet
from booklet.scan.readings import PIXELS_PER_MM, CircleReading, PageReading, PageSource, TickReading
from booklet.scan.report import annotated_pdf, item_statistics, items_csv, results_csv, results_xlsx, summary
from booklet.scan.review import review_html
from booklet.scan.words import EN, KK, RU, PageProblem

SEED = 5


@pytest.fixture(scope="module")
def exam():
    return load_exam(sample_exam())


@pytest.fixture(scope="module")
def labels(exam):
    return page_settings(exam, None, None)[0]


@pytest.fixture(scope="module")
def variants(exam, labels) -> list[Variant]:
    return derive_variants(exam, SEED, 2, labels)


Choose = Callable[[int, str, list[str], str], dict[str, str]]
"""(task, item, marks, right mark) -> {mark: state} for the circles not left empty."""


def all_right(task: int, item: str, marks: list[str], right: str) -> dict[str, str]:
    return {right: "filled"}


def sheet(
    variant: Variant, labels, choose: Choose = all_right, ticks: str = "filled", page: int = 1, pupil: int | None = 1
) -> PageReading:
    """A read page of `variant`: circles in rows down the page, states as `choose` says."""
    circles, boxes, y = [], [], 20.0
    for task in answer_tasks(variant, labels):
        for row in task.rows:
            marks = [bubble.mark for bubble in row.bubbles]
            right = next(bubble.mark for bubble in row.bubbles if bubble.right)
            states = choose(task.number, row.label, marks, right)
            for column, mark in enumerate(marks):
                circle = Circle(task.number, row.label, mark, 40 + 7 * column, y, 2.5)
                state = states.get(mark, "empty")
                darkness = {"filled": 0.8, "uncertain": 0.3, "empty": 0.02}[state]
                circles.append(CircleReading(circle, state, darkness, "light" if state == "uncertain" else ""))
            y += 6.5
        for descriptor in task.descriptors:
            box = TickBox(task.number, descriptor.index, descriptor.points, 150, y, 4)
            boxes.append(TickReading(box, ticks, 0.7 if ticks == "filled" else 0.0))
            y += 6.5
        y += 3
    geometry = SheetGeometry(
        210, 297, markers(210, 297), Box(170, 10, 25, 25), tuple(c.circle for c in circles), tuple(t.box for t in boxes)
    )
    return PageReading(
        PageSource("class-9a.pdf", page),
        SheetId("industrialisation-bjb", variant.code, SEED, variant.index, pupil),
        geometry,
        tuple(circles),
        tuple(boxes),
        _drawn(circles),
    )


def _drawn(circles: list[CircleReading]) -> np.ndarray:
    """A white page with each circle's ring and, where filled, its ink: enough to look at."""
    import cv2

    image = np.full((int(297 * PIXELS_PER_MM), int(210 * PIXELS_PER_MM)), 255, np.uint8)
    for reading in circles:
        centre = (round(reading.circle.x * PIXELS_PER_MM), round(reading.circle.y * PIXELS_PER_MM))
        radius = round(reading.circle.radius * PIXELS_PER_MM)
        cv2.circle(image, centre, radius, 120, 1, cv2.LINE_AA)
        if reading.state != "empty":
            cv2.circle(image, centre, radius - 3, 30 if reading.state == "filled" else 170, -1, cv2.LINE_AA)
    return image


def wrong_first_item(task: int, item: str, marks: list[str], right: str) -> dict[str, str]:
    """Every task's first row answered with the first wrong mark; the rest right."""
    if item in ("1", "А"):
        return {next(mark for mark in marks if mark != right): "filled"}
    return {right: "filled"}


def test_all_right_is_full_marks_and_a_five(exam, labels, variants):
    result = mark_sheet(sheet(variants[0], labels), variants[0], labels, exam.mark_scale())
    assert result.complete
    assert result.total == result.out_of == exam.points == 32
    assert [t.points for t in result.tasks] == [t.points for t in variants[0].tasks]
    assert result.mark == "5"
    assert result.percent == 100
    assert {c.id: result.criterion_points(c.id) for c in exam.criteria} == {
        c.id: result.criterion_out_of(c.id) for c in exam.criteria
    }


def test_known_wrong_answers_give_exact_points(exam, labels, variants):
    variant = variants[0]
    result = mark_sheet(sheet(variant, labels, wrong_first_item, ticks="empty"), variant, labels, exam.mark_scale())
    by_kind = {task.kind: task for task in result.tasks}
    assert by_kind["ordering"].points == 2 * 2 // 3 == 1  # whole points over 3 events, rounded down
    assert by_kind["multiple_choice"].points == 4 - 1  # one point per item
    assert by_kind["categorize"].points == 4 * 7 // 8 == 3
    assert by_kind["short_answer"].points == 0  # nothing ticked
    assert result.total == 32 - 1 - 1 - 1 - 1 - 1 - 1 - 1 - 4 == 21
    assert result.mark == "4"  # 21 / 32 = 65.6 %
    assert result.criterion_points("К3") == 5 + 3 + 0


def test_mark_scale_compares_exactly():
    scale = (("5", 85), ("4", 65), ("3", 40), ("2", 0))
    assert mark_for(27, 32, scale) == "4"  # 84.375 %
    assert mark_for(34, 40, scale) == "5"  # exactly 85 %
    assert mark_for(0, 32, scale) == "2"


def test_a_double_fill_is_a_doubt_until_corrected(exam, labels, variants, tmp_path):
    variant = variants[0]
    tasks = answer_tasks(variant, labels)
    light = next(t for t in tasks if t.item_points == 1 and len(t.rows) >= 3)  # its 3rd item marked lightly
    twice = next(t for t in tasks if t.number > light.number and len(t.rows) >= 2)  # its 2nd item filled twice

    def double(task: int, item: str, marks: list[str], right: str) -> dict[str, str]:
        if (task, item) == (twice.number, twice.rows[1].label):
            return {right: "filled", next(m for m in marks if m != right): "filled"}
        if (task, item) == (light.number, light.rows[2].label):
            return {right: "uncertain"}
        return {right: "filled"}

    result = mark_sheet(sheet(variant, labels, double), variant, labels, exam.mark_scale())
    assert result.doubts == 2
    assert not result.complete and result.total is None and result.mark is None
    by_number = {task.number: task for task in result.tasks}
    assert by_number[twice.number].points is None and by_number[light.number].points is None
    assert all(t.points is not None for t in result.tasks if t.number not in (light.number, twice.number))
    lines = correction_lines([result])
    assert [(line.task, line.item, line.line) for line in lines] == [
        (light.number, light.rows[2].label, 2),
        (twice.number, twice.rows[1].label, 3),
    ]
    written = tmp_path / "corrections.csv"
    written.write_bytes(corrections_csv(lines))
    assert read_corrections(written) == ()  # unfilled: nothing is settled
    right = next(b.mark for b in twice.rows[1].bubbles if b.right)
    text = written.read_text("utf-8-sig").splitlines()
    filled = [text[0], text[1] + "-", text[2] + right]
    written.write_text("\n".join(filled), "utf-8-sig")
    settled = apply_corrections([result], read_corrections(written), written)[0]
    assert settled.complete and settled.total == 32 - 1  # the light mark settled as no answer: one point less
    assert correction_lines([settled])[1].text.endswith(";" + right)  # kept when written again


def test_bad_corrections_are_located(exam, labels, variants, tmp_path):
    result = mark_sheet(sheet(variants[0], labels), variants[0], labels, exam.mark_scale())
    path = tmp_path / "corrections.csv"
    path.write_text(
        "file;page;pupil;task;item;descriptor;read;answer\n"
        "class-9a.pdf;1;;4;2;;;Z\n"
        "class-9a.pdf;x;;4;2;;;А\n"
        "class-9a.pdf;1;;8;;1;;maybe\n"
        "other.pdf;1;;4;2;;;А\n",
        "utf-8",
    )
    with pytest.raises(ContentError) as parsed:
        apply_corrections([result], read_corrections(path), path)
    assert str(parsed.value).splitlines() == [
        f"{path}:3:14: page: «x» is not a number from 1 (copy the line from review.html)",
        f"{path}:4:23: answer: «maybe» is neither + nor - (write + for a ticked box or - for one not ticked)",
    ]
    path.write_text(path.read_text().replace(";x;", ";1;").replace("maybe", "+"), "utf-8")
    with pytest.raises(ContentError) as applied:
        apply_corrections([result], read_corrections(path), path)
    messages = str(applied.value).splitlines()
    assert messages[0].startswith(f"{path}:2:23: answer: «Z» is not a circle of item 2 of task 4 (write one of")
    assert messages[1] == f"{path}:3:1: this item is corrected again (also line 2) (keep one of the two lines)"
    assert messages[2].startswith(f"{path}:5:1: file: no page 1 of «other.pdf» was marked in this run")


def test_scale_from_the_exam_file(tmp_path):
    folder = tmp_path / "exam"
    shutil.copytree(sample_exam().parent, folder)
    path = folder / sample_exam().name
    text = path.read_text("utf-8")
    marks = "marks:\n  - {mark: «өте жақсы», from: 90}\n  - {mark: «жақсы», from: 50}\n  - {mark: «әлсіз», from: 0}\n"
    path.write_text(text.replace("total: 32\n", "total: 32\n" + marks), "utf-8")
    assert load_exam(path).mark_scale() == (("«өте жақсы»", 90), ("«жақсы»", 50), ("«әлсіз»", 0))
    path.write_text(
        text.replace("total: 32\n", "total: 32\nmarks:\n  - {mark: '5', from: 40}\n  - {mark: '4', from: 60}\n")
    )
    with pytest.raises(ContentError) as error:
        load_exam(path)
    assert f"{path}:15:23: marks.2.from: mark «4» starts at 60 %, not below the 40 % above it" in str(error.value)


def _marked(exam, labels, variants):
    scale = exam.mark_scale()
    return (
        mark_sheet(sheet(variants[0], labels, page=1, pupil=1), variants[0], labels, scale),
        mark_sheet(sheet(variants[1], labels, wrong_first_item, page=2, pupil=2), variants[1], labels, scale),
        mark_sheet(sheet(variants[0], labels, wrong_first_item, page=3, pupil=3), variants[0], labels, scale),
    )


ROSTER = (Pupil("Әлібекова Аружан", 2, "9 Ә"), Pupil("Серікұлы Нұрлан", 3, "9 Ә"), Pupil("Иванова Мария", 4, "9 Ә"))


def test_results_xlsx_has_a_row_per_pupil_and_the_same_bytes(exam, labels, variants):
    from openpyxl import load_workbook

    results = _marked(exam, labels, variants)
    data = results_xlsx(exam, results, ROSTER)
    assert data == results_xlsx(exam, results, ROSTER)
    assert {info.date_time for info in zipfile.ZipFile(io.BytesIO(data)).infolist()} == {(1980, 1, 1, 0, 0, 0)}
    book = load_workbook(io.BytesIO(data))
    assert book.properties.created == book.properties.modified == dt.datetime(2026, 10, 20)  # the exam's date
    pupils, items = book.worksheets
    rows = list(pupils.iter_rows(values_only=True))
    assert rows[0][:3] == ("Оқушы", "Сынып", "Нұсқа")
    assert [row[0] for row in rows[1:]] == [pupil.name for pupil in ROSTER]
    header = list(rows[0])
    assert [row[header.index("Жалпы балл")] for row in rows[1:]] == [32, 25, 25]
    assert [row[header.index("Баға")] for row in rows[1:]] == ["5", "4", "4"]
    assert pupils.freeze_panes == "B2"
    assert results_csv(exam, results, ROSTER).startswith("\ufeffОқушы;".encode())


def test_item_statistics_count_each_question_across_variants_by_what_it_says(exam, labels, variants):
    """Variants А and Б print the same question as another task or item with its options in
    another order: its statistic counts both, and wrong answers by their text, not letter."""
    results = _marked(exam, labels, variants)
    stats = {s.item: s for s in item_statistics(results)}
    a_task = next(t for t in answer_tasks(variants[0], labels) if t.kind == "multiple_choice")
    question = a_task.rows[0]
    source = next(t.source for t in variants[0].tasks if t.number == a_task.number)
    b_number = next(t.number for t in variants[1].tasks if t.source == source)
    b_task = next(t for t in answer_tasks(variants[1], labels) if t.number == b_number)
    b_row = next(row for row in b_task.rows if row.text == question.text)
    first_wrong = [next(b.text for b in row.bubbles if not b.right) for row in (question, b_row)]
    stat = stats[question.text]
    assert stat.where == f"А {a_task.number}.{question.label}; Б {b_number}.{b_row.label}"
    assert stat.right_answer == next(b.text for b in question.bubbles if b.right)
    b_wrong = b_row is b_task.rows[0]  # pupil 2 (variant Б) answered the first row of each task wrong
    assert (stat.answered, stat.right) == (3, 2 - b_wrong)
    expected: dict[str, int] = {first_wrong[0]: 1}
    if b_wrong:
        expected[first_wrong[1]] = expected.get(first_wrong[1], 0) + 1
    assert dict(stat.wrong) == expected
    assert len(stats) == len(
        {
            (t.source, r.text)
            for v in variants[:2]
            for t, a in zip(v.tasks, answer_tasks(v, labels), strict=True)
            for r in a.rows
        }
    ) + sum(len(t.task.descriptors) for t in variants[0].tasks if t.exercise.kind == "short_answer")
    later = next(s for s in stats.values() if s.answered == 3 and s.right == 3)
    assert later.flag == "барлығы дұрыс жауап берді"
    alone = {s.item: s for s in item_statistics(results[2:])}[question.text]
    assert (alone.right, alone.flag) == (0, "ешкім дұрыс жауап бермеді")


def test_annotated_pdf_has_a_page_per_scanned_page_and_review_shows_the_doubts(exam, labels, variants):
    import pikepdf

    results = _marked(exam, labels, variants)
    unreadable = PageReading(
        PageSource("class-9a.pdf", 4), None, page_image=np.full((300, 210), 200, np.uint8), problem="no QR code found"
    )
    pdf = annotated_pdf(exam, results, (unreadable,), ROSTER)
    assert pdf == annotated_pdf(exam, results, (unreadable,), ROSTER)
    with pikepdf.open(io.BytesIO(pdf)) as opened:
        assert len(opened.pages) == 4
        assert str(opened.docinfo["/CreationDate"]) == "D:20261020000000Z"  # the exam's date, not the clock
    doubtful = mark_sheet(
        sheet(variants[0], labels, lambda t, i, m, r: {r: "uncertain"} if (t, i) == (4, "3") else {r: "filled"}),
        variants[0],
        labels,
        exam.mark_scale(),
    )
    html = review_html(exam, (doubtful,), (unreadable,), ROSTER)
    assert "data:image/png;base64," in html and "class-9a.pdf;1;Әлібекова Аружан;4;3;;" in html
    assert "no QR code found" in html
    line = summary((*results, doubtful), (unreadable,))
    assert line == (
        "4 sheets read, 3 marked, average 85.4 %; 1 answer to review on 1 sheet (review.html, then corrections.csv); "
        "1 page unreadable (see review.html)"
    )


def test_tick_boxes_in_doubt_are_settled_by_descriptor(exam, labels, variants, tmp_path):
    variant = variants[0]
    result = mark_sheet(sheet(variant, labels, ticks="uncertain"), variant, labels, exam.mark_scale())
    assert result.doubts == 2 and result.tasks[-1].points is None
    path = tmp_path / "corrections.csv"
    path.write_bytes(corrections_csv(correction_lines([result])))
    lines = path.read_text("utf-8-sig").splitlines()
    assert lines[1:] == ["class-9a.pdf;1;class-9a.pdf, 1-бет;8;;1;?;", "class-9a.pdf;1;class-9a.pdf, 1-бет;8;;2;?;"]
    path.write_text("\n".join([lines[0], lines[1] + "+", lines[2] + "-"]), "utf-8")
    settled = apply_corrections([result], read_corrections(path), path)[0]
    assert settled.tasks[-1].points == 2 and settled.total == 30
    assert settled.criterion_points("К1") == 15 and settled.criterion_points("К3") == 10  # the ticked one is К1's


def test_mark_all_leaves_unknown_sheets_to_the_unreadable(exam, labels, variants):
    readings = [sheet(variants[0], labels), sheet(variants[1], labels, page=2)]
    known = {variants[0].code: variants[0]}
    marked, unreadable = mark_all(readings, lambda s: known.get(s.variant), labels, exam.mark_scale())
    assert [r.source.page for r in marked] == [1] and [r.source.page for r in unreadable] == [2]


# --- the run's files in the exam's language ------------------------------------------------------

HEADINGS = {
    "ru": (
        ("Ученик", "Класс", "Вариант", "Файл", "Страница"),
        "Задание {n}",
        ("Итоговый балл", "Максимальный балл", "Процент", "Оценка", "Статус"),
    ),
    "en": (("Pupil", "Class", "Version", "File", "Page"), "Task {n}", ("Total", "Out of", "Percent", "Mark", "Status")),
}
ITEM_HEADINGS = {
    "ru": (
        "Вопрос",
        "Место в вариантах",
        "Правильный ответ",
        "Ответили",
        "Доля правильных, %",
        "Выбранные неверные ответы",
        "Нет ответа",
        "Сомнительные",
        "Отметка",
    ),
    "en": (
        "Question",
        "Place in versions",
        "Right answer",
        "Answered",
        "Right, %",
        "Wrong answers chosen",
        "No answer",
        "Doubtful",
        "Note",
    ),
}
SHEETS = {"kk": ["Нәтижелер", "Сұрақтар"], "ru": ["Результаты", "Вопросы"], "en": ["Results", "Questions"]}
KAZAKH_ONLY = (
    "-бет",
    "тапсырма",
    "Себебі",
    "сұрақ",
    "-жол",
    "Күмәнді",
    "Оқылған",
    "Оқылмаған",
    "Нұсқа",
    "Қоюлығы",
    "боялған",
    "толық емес",
    "тексеру",
    "қараңыз",
)
"""Words of the Kazakh scaffolding: none belongs on a Russian or English page."""


def unclear_first_rows(task: int, item: str, marks: list[str], right: str) -> dict[str, str]:
    return {right: "uncertain"} if item in ("1", "А", "A") else {right: "filled"}


def _run(exam, lang: str):
    """The bundled exam printed in `lang`: its words, three marked sheets and one in doubt."""
    printed = exam.model_copy(update={"labels": lang})
    labels = page_settings(printed, None, None)[0]
    variants = derive_variants(printed, SEED, 2, labels)
    doubtful = mark_sheet(
        sheet(variants[0], labels, unclear_first_rows, ticks="uncertain", page=4, pupil=None),
        variants[0],
        labels,
        exam.mark_scale(),
    )
    return printed, run_words(printed, None), (*_marked(printed, labels, variants), doubtful)


def _problems(exam) -> tuple[PageReading, ...]:
    """Unreadable pages, each with a problem reading or the run gives."""
    other = SheetId("other-exam", "QQQQ", SEED, 0, None)
    problems = (
        PageProblem("unreadable-code"),
        PageProblem("circles-lost", lost=7, count=61),
        not_this_exam(other, exam.id),
        not_this_exam(SheetId(exam.id, "QQQQ", SEED, None, None), exam.id),
    )
    return tuple(
        PageReading(
            PageSource("class-9a.pdf", 5 + n), None, page_image=np.full((300, 210), 200, np.uint8), problem=problem
        )
        for n, problem in enumerate(problems)
    )


def test_the_run_speaks_the_language_the_sheets_were_printed_in(exam):
    assert run_words(exam, None) is KK
    assert run_words(exam.model_copy(update={"labels": "ru"}), None) is RU
    assert run_words(exam.model_copy(update={"labels": "ru"}), "en") is EN  # --lang, as for the printed pages


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_results_and_items_in_the_exam_language(exam, lang):
    from openpyxl import load_workbook

    printed, words, results = _run(exam, lang)
    data = results_xlsx(printed, results, ROSTER, words)
    assert data == results_xlsx(printed, results, ROSTER, words)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == SHEETS[lang]
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    first, task, last = HEADINGS[lang]
    numbers = sorted({t.number for r in results for t in r.tasks})
    criteria = tuple(c.id for c in exam.criteria)
    assert rows[0] == (*first, *(task.format(n=n) for n in numbers), *criteria, *last)
    done, incomplete = {"ru": ("оценено", "не завершено"), "en": ("marked", "incomplete")}[lang]
    assert [row[-1] for row in rows[1:4]] == [done] * 3
    assert rows[4][-2] == incomplete and rows[4][-1].startswith(f"{incomplete}, ")
    assert rows[4][0] == f"class-9a.pdf, {'страница' if lang == 'ru' else 'page'} 4"  # no name: its page
    items = list(book.worksheets[1].iter_rows(values_only=True))
    assert items[0] == ITEM_HEADINGS[lang]
    assert {"все ответили правильно" if lang == "ru" else "everybody got it right"} <= {row[-1] for row in items}
    assert results_csv(printed, results, ROSTER, words).startswith(f"\ufeff{first[0]};{first[1]};".encode())
    assert items_csv(results, words).decode("utf-8-sig").splitlines()[0] == ";".join(ITEM_HEADINGS[lang])
    descriptor = {"ru": "Д1: ", "en": "D1: "}[lang]
    assert any(row[0].startswith(descriptor) for row in items[1:])


def test_kazakh_results_are_as_before(exam):
    from openpyxl import load_workbook

    printed, words, results = _run(exam, "kk")
    assert words is KK and printed.labels == "kk"
    assert results_xlsx(printed, results, ROSTER, words) == results_xlsx(printed, results, ROSTER)
    assert load_workbook(io.BytesIO(results_xlsx(printed, results, ROSTER))).sheetnames == SHEETS["kk"]
    assert items_csv(results).decode("utf-8-sig").splitlines()[0] == (
        "Сұрақ;Нұсқалардағы орны;Дұрыс жауап;Жауап бергені;Дұрыс жауап үлесі, %;Таңдалған қате жауаптар;"
        "Жауап жоқ;Күмәнді;Белгі"
    )
    waiting = results_csv(printed, results, ROSTER).decode("utf-8-sig").splitlines()[4].split(";")
    assert waiting[-2] == "толық емес"
    assert waiting[-1] == f"толық емес: {results[-1].doubts} күмәнді жауап (review.html, corrections.csv)"


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_review_page_in_the_exam_language(exam, lang):
    printed, words, results = _run(exam, lang)
    pages = _problems(exam)
    html = review_html(printed, results, pages, ROSTER, words)
    assert html == review_html(printed, results, pages, ROSTER, words)
    assert f'<html lang="{lang}">' in html
    shown = {
        "kk": (
            "Күмәнді жауаптар",
            "Себебі: ",
            "«class-9a.pdf», 4-бет",
            "-сұрақ",
            "-дескриптор (",
            "-жол:",
            "<td>анық емес</td>",
            "Оқылмаған беттер",
        ),
        "ru": (
            "Сомнительные ответы",
            "Причина: ",
            "«class-9a.pdf», страница 4",
            " · Задание ",
            ", вопрос ",
            ", дескриптор 1 (баллы: ",
            "<code>corrections.csv</code>, строка 2:",
            "<td>нечёткий</td>",
            "Непрочитанные страницы",
            "Прочитано бланков: 4. Сомнительных ответов: ",
        ),
        "en": (
            "Doubtful answers",
            "Reason: ",
            "«class-9a.pdf», page 4",
            " · Task ",
            ", question ",
            ", descriptor 1 (points: ",
            "<code>corrections.csv</code>, line 2:",
            "<td>unclear</td>",
            "Pages not read",
            "Sheets read: 4. Doubtful answers: ",
        ),
    }[lang]
    assert all(text in html for text in shown), [text for text in shown if text not in html]
    assert "<code>file;page;pupil;task;item;descriptor;read;answer</code>" in html  # read back: stays as is
    assert "<code>booklet scan … --corrections corrections.csv</code>" in html
    for page in pages:
        said = words.page_problem(page.problem)
        assert f"{words.reason}: {escape(said)}</div>" in html
        if lang != "en":
            assert said != str(page.problem) and str(page.problem) not in html  # no English sentence
    if lang != "kk":
        page_text = html.replace(printed.title, "")
        for result in results:  # the exam's own Kazakh content is shown as written; the scaffolding is not
            for answer in result.key:
                for row in answer.rows:
                    page_text = page_text.replace(row.text, "")
                for descriptor in answer.descriptors:
                    page_text = page_text.replace(descriptor.text, "")
        assert [word for word in KAZAKH_ONLY if word in page_text] == []


def test_kazakh_review_page_says_page_problems_in_kazakh(exam):
    pages = _problems(exam)
    html = review_html(exam, (), pages)
    assert html == review_html(exam, (), pages, None, KK)
    assert "Себебі: QR код оқылмады: бетті тегіс әрі анық етіп қайта сканерлеңіз</div>" in html
    assert "the QR code" not in html and "scan the" not in html and "exam «" not in html
    assert "Күмәнді жауап жоқ: барлық жауап анық оқылды." in html


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_annotated_copies_in_the_exam_language(exam, lang):
    import pikepdf

    printed, words, results = _run(exam, lang)
    pages = _problems(exam)
    first, second = head_lines(results[0], ROSTER, words)
    variant = {"ru": "Вариант", "en": "Version"}[lang]
    assert first == f"{ROSTER[0].name} · {variant} {results[0].variant.letter} ({results[0].variant.code})"
    total, mark = {"ru": ("Итоговый балл", "Оценка"), "en": ("Total", "Mark")}[lang]
    assert second == f"{total}: 32/32 (100,0 %) · {mark}: «5»"
    waiting = head_lines(results[-1], ROSTER, words)
    see = {"ru": "не завершено, сомнительных ответов: ", "en": "incomplete, doubtful answers: "}[lang]
    assert waiting[0].startswith(f"class-9a.pdf, {'страница' if lang == 'ru' else 'page'} 4 · ")
    assert waiting[1].startswith(see) and waiting[1].endswith(words.see_review)
    where, why = unreadable_lines(pages[0], words)
    assert where == f"class-9a.pdf, {'страница' if lang == 'ru' else 'page'} 5"
    assert why == words.page_problems["unreadable-code"]
    pdf = annotated_pdf(printed, results, pages, ROSTER, words)
    assert pdf == annotated_pdf(printed, results, pages, ROSTER, words)
    with pikepdf.open(io.BytesIO(pdf)) as opened:
        assert len(opened.pages) == len(results) + len(pages)
        annotated = {"ru": "проверенные бланки", "en": "marked sheets"}[lang]
        assert str(opened.docinfo["/Title"]) == f"{printed.title} – {annotated}"


def test_kazakh_annotated_copies_are_as_before(exam, labels, variants):
    results = _marked(exam, labels, variants)
    assert head_lines(results[0], ROSTER)[1] == "Жалпы балл: 32/32 (100,0 %) · Баға: «5»"
    assert unreadable_lines(_problems(exam)[0]) == (
        "class-9a.pdf, 5-бет",
        "QR код оқылмады: бетті тегіс әрі анық етіп қайта сканерлеңіз",
    )


def test_corrections_keep_their_columns_and_name_pages_in_the_exam_language(exam):
    printed, words, results = _run(exam, "ru")
    lines = correction_lines(results, ROSTER, words)
    assert lines and all(line.text.startswith("class-9a.pdf;4;class-9a.pdf, страница 4;") for line in lines)
    written = corrections_csv(lines).decode("utf-8-sig").splitlines()
    assert written[0] == "file;page;pupil;task;item;descriptor;read;answer"


def test_the_command_line_summary_stays_english(exam):
    _, _, results = _run(exam, "ru")
    line = summary(results, _problems(exam))
    assert line.startswith("4 sheets read, 3 marked, average ")
    assert line.endswith("; 4 pages unreadable (see review.html)")
