"""`booklet export`: the exercises as Moodle questions, read back with a parser of our own
(XML: the standard library's ElementTree; GIFT: the small reader below, written from Moodle's
GIFT documentation, not from the writer) and checked against the content files."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from fractions import Fraction
from html import unescape

from booklet import load_exam, load_lesson
from booklet.export import export_questions
from booklet.model.exam import Pool
from booklet.model.exercises import Gap, parse_cloze

from .conftest import EVERY_KIND, FIXTURES

SAMPLE_EXAM = FIXTURES.parent.parent / "content" / "industrialisation" / "exam.yaml"


def _xml(path) -> ET.Element:
    exported = export_questions(path, "moodle")
    assert exported.data == export_questions(path, "moodle").data  # the same bytes every time
    return ET.fromstring(exported.data)


def _plain(html: str) -> str:
    """What the pupil reads of a question's HTML."""
    return re.sub(r"[ \t\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def _by_name(quiz: ET.Element) -> dict[str, ET.Element]:
    return {q.findtext("name/text"): q for q in quiz if q.get("type") != "category"}


def test_every_kind_of_a_lesson_is_the_moodle_question_that_asks_it():
    lesson = load_lesson(EVERY_KIND)
    quiz = _xml(EVERY_KIND)
    assert quiz[0].get("type") == "category" and quiz[0].findtext("category/text") == f"$course$/top/{lesson.title}"
    questions = _by_name(quiz)
    exercises = {e.type: (n, e) for n, e in enumerate(lesson.worksheet.exercises, start=1)}

    n, cloze = exercises["cloze"]  # with a word bank: drag and drop into text
    bank = questions[f"{lesson.id} {n}"]
    assert bank.get("type") == "ddwtos"
    boxes = [box.findtext("text") for box in bank.findall("dragbox")]
    gaps = [part.answer for part in parse_cloze(cloze.text) if isinstance(part, Gap)]
    placed = [boxes[int(k) - 1] for k in re.findall(r"\[\[(\d+)\]\]", bank.findtext("questiontext/text"))]
    assert placed == gaps and set(cloze.distractors) <= set(boxes)
    assert Fraction(bank.findtext("defaultgrade")) == len(gaps)

    n, matching = exercises["matching"]
    question = questions[f"{lesson.id} {n}"]
    pairs = [(_plain(s.findtext("text") or ""), s.findtext("answer/text")) for s in question.findall("subquestion")]
    assert pairs == [(p.left, p.right) for p in matching.pairs] + [("", extra) for extra in matching.extra]

    n, choice = exercises["multiple_choice"]
    for index, q in enumerate(choice.questions, start=1):
        question = questions[f"{lesson.id} {n}.{index}"]
        assert question.get("type") == "multichoice" and question.findtext("single") == "true"
        assert q.question in _plain(question.findtext("questiontext/text"))
        right = [a.findtext("text") for a in question.findall("answer") if a.get("fraction") == "100"]
        assert right == [q.answer] and len(question.findall("answer")) == len(q.options)

    n, statements = exercises["true_false"]
    for index, s in enumerate(statements.statements, start=1):
        question = questions[f"{lesson.id} {n}.{index}"]
        right = [a.findtext("text") for a in question.findall("answer") if a.get("fraction") == "100"]
        assert question.get("type") == "truefalse" and right == ["true" if s.answer else "false"]

    n, ordering = exercises["ordering"]
    question = questions[f"{lesson.id} {n}"]
    answers = sorted(question.findall("answer"), key=lambda a: int(a.get("fraction")))
    assert question.get("type") == "ordering" and [a.findtext("text") for a in answers] == ordering.events

    n, short = exercises["short_answer"]
    for index, q in enumerate(short.questions, start=1):
        question = questions[f"{lesson.id} {n}.{index}"]
        if question.get("type") == "shortanswer":
            assert [a.findtext("text") for a in question.findall("answer")] == [q.answer]
        else:  # a model answer in sentences is the teacher's to mark
            assert question.get("type") == "essay" and _plain(question.findtext("graderinfo/text")) == q.answer

    n, table_task = exercises["table_completion"]
    question = questions[f"{lesson.id} {n}"]
    table = next(t for t in lesson.tables if t.id == table_task.table)
    embedded = re.findall(r"\{1:SHORTANSWER:=([^}]*)\}", unescape(question.findtext("questiontext/text")))
    assert question.get("type") == "cloze"
    assert embedded == [table.rows[r - 1][c - 1] for r, c in sorted(table_task.blanks)]

    n, sorting = exercises["categorize"]
    question = questions[f"{lesson.id} {n}"]
    pairs = {(_plain(s.findtext("text")), s.findtext("answer/text")) for s in question.findall("subquestion")}
    assert question.get("type") == "matching"
    assert pairs == {(item, c.label) for c in sorting.categories for item in c.items}


def test_an_exams_points_carry_over_and_every_pool_task_is_exported():
    exam = load_exam(SAMPLE_EXAM)
    quiz = _xml(SAMPLE_EXAM)
    categories = [q.findtext("category/text") for q in quiz if q.get("type") == "category"]
    assert categories == [f"$course$/top/{exam.title}/{s.title}" for s in exam.sections]
    questions = _by_name(quiz)
    total = Fraction(0)
    for s_index, section in enumerate(exam.sections, start=1):
        for t_index, entry in enumerate(section.tasks, start=1):
            tasks = entry.tasks if isinstance(entry, Pool) else [entry]
            for p_index, task in enumerate(tasks, start=1):
                name = f"{exam.id} {s_index}.{t_index}" + (f".{p_index}" if isinstance(entry, Pool) else "")
                mine = [
                    q
                    for n, q in questions.items()
                    if n == name or n.startswith(name + ".") and n[len(name) + 1 :].isdigit()
                ]
                points = sum(Fraction(q.findtext("defaultgrade")) for q in mine)
                assert mine and points == task.total, (name, points, task.total)
                if p_index == 1:
                    total += points
    assert total == exam.total


def test_text_is_escaped_and_never_markup(tmp_path):
    shutil.copytree(EVERY_KIND.parent, tmp_path / "lesson")
    lesson = tmp_path / "lesson" / "lesson.yaml"
    question = "Түрксіб құрылысына қанша қаржы бөлінді?"
    poisoned = "Түрксіб <script>alert(1)</script> {~=#} құрылысына қанша қаржы бөлінді?"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace(question, f'"{poisoned}"'), encoding="utf-8")
    quiz = ET.fromstring(export_questions(lesson, "moodle").data)
    asked = next(q.findtext("questiontext/text") for q in quiz if q.get("type") == "multichoice")
    assert "<script>" not in asked and "&lt;script&gt;" in asked and _plain(asked).endswith(poisoned)
    gift = _gift_questions(export_questions(lesson, "gift").data.decode())
    assert any(poisoned in text for text, _ in gift.values())


# --- GIFT ---------------------------------------------------------------------------------------


def _gift_questions(text: str) -> dict[str, tuple[str, str]]:
    """name -> (question text, answer block) of each question of a GIFT file, unescaped."""
    found = {}
    for block in re.split(r"\n\s*\n", text):
        block = block.strip()
        if not block or block.startswith("$CATEGORY:") or block.startswith("//"):
            continue
        match = re.fullmatch(r"::((?:\\.|[^:\\])*)::(.*?)(?<!\\)\{((?:\\.|[^}\\])*)\}(.*)", block, re.S)
        assert match, block
        name, before, answers, after = match.groups()
        found[_unescape(name)] = (_unescape(before + " _ " + after).strip(), answers)
    return found


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _choices(answers: str) -> list[tuple[str, str]]:
    return [(mark, _unescape(value).strip()) for mark, value in re.findall(r"(?<!\\)([=~])((?:\\.|[^=~\\])*)", answers)]


def test_gift_has_what_gift_can_ask_and_lists_the_rest():
    lesson = load_lesson(EVERY_KIND)
    exported = export_questions(EVERY_KIND, "gift")
    text = exported.data.decode()
    assert text.startswith(f"$CATEGORY: $course$/top/{lesson.title}\n")
    questions = _gift_questions(text)
    exercises = {e.type: (n, e) for n, e in enumerate(lesson.worksheet.exercises, start=1)}
    n, choice = exercises["multiple_choice"]
    for index, q in enumerate(choice.questions, start=1):
        asked, answers = questions[f"{lesson.id} {n}.{index}"]
        assert q.question in asked and _choices(answers) == [("=" if o == q.answer else "~", o) for o in q.options]
    n, statements = exercises["true_false"]
    for index, s in enumerate(statements.statements, start=1):
        assert questions[f"{lesson.id} {n}.{index}"][1] == ("TRUE" if s.answer else "FALSE")
    n, sorting = exercises["categorize"]
    pairs = [
        tuple(side.strip() for side in pair.split(" -> ")) for _, pair in _choices(questions[f"{lesson.id} {n}"][1])
    ]
    assert pairs == [(item, c.label) for c in sorting.categories for item in c.items]
    left_out = {line.split(":")[0] for line in exported.notes if "left out:" in line}
    assert left_out == {
        f"{lesson.id} {exercises[kind][0]}" for kind in ("cloze", "ordering", "table_completion", "matching")
    }
    assert any("three answers or more" in line for line in exported.notes)  # 2 pairs; its extra item has no place
    assert exported.questions == len(questions)


def test_a_matching_of_three_pairs_is_a_gift_matching(tmp_path):
    shutil.copytree(EVERY_KIND.parent, tmp_path / "lesson")
    lesson = tmp_path / "lesson" / "lesson.yaml"
    text = lesson.read_text(encoding="utf-8").replace(
        "      extra: [Қазақ өлкелік партия комитетінің хатшысы]\n",
        "        - {left: Ф. И. Голощекин, right: Қазақ өлкелік партия комитетінің хатшысы}\n",
    )
    lesson.write_text(text, encoding="utf-8")
    matching = next(e for e in load_lesson(lesson).worksheet.exercises if e.type == "matching")
    asked, answers = _gift_questions(export_questions(lesson, "gift").data.decode())["every-kind 2"]
    pairs = [tuple(side.strip() for side in pair.split(" -> ")) for _, pair in _choices(answers)]
    assert len(pairs) == 3 and pairs == [(p.left, p.right) for p in matching.pairs]


def test_the_command_writes_the_file_and_says_what_was_left_out(tmp_path):
    out = tmp_path / "quiz.gift.txt"
    run = subprocess.run(
        [sys.executable, "-m", "booklet", "export", "gift", str(EVERY_KIND), "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert out.read_bytes() == export_questions(EVERY_KIND, "gift").data
    assert "left out" in run.stderr and "questions" in run.stdout
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: x\ntitle: [unclosed\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "booklet", "export", "moodle", str(broken)], capture_output=True, text=True
    )
    assert run.returncode == 2 and "broken.yaml:" in run.stderr and "Traceback" not in run.stderr
