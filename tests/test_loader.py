"""Every loader error names the right line and column, all problems of a file at once."""

from __future__ import annotations

import pytest

from booklet import ContentError, load_lesson

from .conftest import EVERY_KIND, write_lesson

GOOD = EVERY_KIND.read_text(encoding="utf-8")


def problems_of(tmp_path, text: str) -> list[str]:
    path = write_lesson(tmp_path, text)
    with pytest.raises(ContentError) as caught:
        load_lesson(path)
    return [str(problem).replace(f"{path}:", "") for problem in caught.value.problems]


def line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_good_lesson_loads():
    lesson = load_lesson(EVERY_KIND)
    assert lesson.id == "every-kind"
    assert len(lesson.worksheet.exercises) == 8


def test_misspelt_key_names_the_nearest_valid_one(tmp_path):
    text = GOOD.replace("subject:", "subjct:")
    assert problems_of(tmp_path, text) == [
        f"{line_of(text, 'id:')}:1: subject: missing required key 'subject'",
        f"{line_of(text, 'subjct')}:1: subjct: unknown key 'subjct' (did you mean 'subject'?)",
    ]


def test_misspelt_nested_key_in_an_exercise(tmp_path):
    text = GOOD.replace("      word_bank: true", "      wordbank: true")
    [problem] = problems_of(tmp_path, text)
    assert (
        problem
        == f"{line_of(text, 'wordbank')}:7: worksheet.exercises.1.wordbank: unknown key 'wordbank' (did you mean 'word_bank'?)"
    )


def test_wrong_type_points_at_the_value(tmp_path):
    text = GOOD.replace("grade: 9", "grade: тоғыз")
    [problem] = problems_of(tmp_path, text)
    assert problem == f"{line_of(text, 'grade:')}:8: grade: not a whole number (write digits only, such as 9)"


def test_yaml_syntax_error_has_line_and_column(tmp_path):
    text = GOOD.replace("title: Түрксіб темір жолы", "title: [Түрксіб темір жолы")
    [problem] = problems_of(tmp_path, text)
    assert problem.startswith("4:") and "YAML syntax" in problem


def test_duplicate_key_is_an_error(tmp_path):
    text = GOOD.replace("grade: 9", "grade: 9\ngrade: 10")
    [problem] = problems_of(tmp_path, text)
    assert (
        problem
        == f"{line_of(text, 'grade: 10')}:1: grade: duplicate key (first given on line {line_of(text, 'grade: 9')})"
    )


def test_unknown_exercise_type_suggests_the_right_one(tmp_path):
    text = GOOD.replace("type: multiple_choice", "type: multiple_choise")
    [problem] = problems_of(tmp_path, text)
    assert problem == (
        f"{line_of(text, 'multiple_choise')}:13: worksheet.exercises.3: "
        "unknown exercise type 'multiple_choise' (did you mean 'multiple_choice'?)"
    )


def test_choice_answer_must_be_an_option(tmp_path):
    text = GOOD.replace("answer: 200 млн сом", "answer: 250 млн сом")
    [problem] = problems_of(tmp_path, text)
    assert problem.startswith(
        f"{line_of(text, '250 млн')}:19: worksheet.exercises.3.questions.1.answer: answer '250\u00a0млн\u00a0сом'"
    )  # compared, and quoted, as it will be printed: with no-break spaces


def test_cloze_without_blanks(tmp_path):
    text = (
        GOOD.replace("[[1927]]", "1927")
        .replace("[[Айнабұлақ|Айнабұлақ станциясы]]", "Айнабұлақ")
        .replace("[[Шатов]]", "Шатов")
    )
    [problem] = problems_of(tmp_path, text)
    assert (
        problem
        == f"{line_of(text, 'text: >-')}:13: worksheet.exercises.1.text: the text has no blank (mark each blank as [[answer]])"
    )


@pytest.mark.parametrize(
    ("written", "at", "message"),
    [
        ("[[1927]", "]", "the blank is closed with a single «]» (close it with ]])"),
        ("[[1927", "[[Айнабұлақ", "a blank opens inside another blank (close the first with ]] before the next [[)"),
        ("[[1927]]]", "] жылы", "a stray «]» next to a blank (each blank is [[answer]])"),
        ("[[19[[27]]", "[[27", "a blank opens inside another blank (close the first with ]] before the next [[)"),
        ("1927]]", "]]", "]] closes no blank (open the blank with [[)"),
        ("[[ ]]", "[[", "a blank is empty (write the answer inside the brackets: [[answer]])"),
    ],
)
def test_bad_cloze_markup_is_reported_at_its_bracket(tmp_path, written, at, message):
    """`at` is the text that starts where the column must point, searched from the slip on."""
    text = GOOD.replace("[[1927]]", written)
    [problem] = problems_of(tmp_path, text)
    line = text.splitlines()[line_of(text, written) - 1]
    column = line.index(at, line.index(written)) + 1
    assert problem == f"{line_of(text, written)}:{column}: worksheet.exercises.1.text: {message}"


def test_an_unclosed_blank_at_the_end_and_single_brackets_in_running_text(tmp_path):
    text = GOOD.replace("[[Шатов]].", "[[Шатов.")
    [problem] = problems_of(tmp_path, text)
    line = text.splitlines()[line_of(text, "[[Шатов.") - 1]
    assert problem.startswith(
        f"{line_of(text, '[[Шатов.')}:{line.index('[[Шатов.') + 1}: worksheet.exercises.1.text: [[ opens"
    )
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "bars.svg").write_bytes((EVERY_KIND.parent / "figures" / "bars.svg").read_bytes())
    text = GOOD.replace("[[1927]] жылы", "[[1927]] жылы [1]")
    exercise = load_lesson(write_lesson(tmp_path, text)).worksheet.exercises[0]
    assert [gap.answer for gap in exercise.gaps] == ["1927", "Айнабұлақ", "Шатов"]


def test_table_blank_outside_the_table(tmp_path):
    text = GOOD.replace("blanks: [[1, 2], [4, 2]]", "blanks: [[1, 2], [9, 2]]")
    [problem] = problems_of(tmp_path, text)
    assert problem == (
        f"{line_of(text, 'blanks: [[1, 2], [9, 2]]')}:24: worksheet.exercises.7.blanks.2: "
        "cell [9, 2] is outside table 'turksib' (rows 1–4, columns 1–2)"
    )


def test_table_reference_must_exist(tmp_path):
    text = GOOD.replace("table: turksib", "table: turksb")
    [problem] = problems_of(tmp_path, text)
    assert (
        problem
        == f"{line_of(text, 'table: turksb')}:14: worksheet.exercises.7.table: no summary table has id 'turksb' (tables: turksib)"
    )


def test_every_problem_of_a_file_is_reported_at_once(tmp_path):
    text = GOOD.replace("grade: 9", "grade: 99").replace("author:", "autor:").replace("answer: true}", "answer: maybe}")
    found = problems_of(tmp_path, text)
    assert len(found) == 4  # grade, missing author, unknown autor, true/false answer
    assert [int(p.split(":")[0]) for p in found] == sorted(int(p.split(":")[0]) for p in found)


@pytest.mark.parametrize(
    ("src", "message"),
    [
        ("../../etc/passwd", "figure paths may not leave the lesson's folder ('..')"),
        ("file:///etc/passwd", "figures must be files in the lesson's folder, not URLs"),
        ("http://example.com/map.png", "figures must be files in the lesson's folder, not URLs"),
        ("/etc/passwd", "figure paths must be relative to the lesson's folder"),
        ("figures/missing.svg", "no such file: figures/missing.svg"),
    ],
)
def test_bad_figure_paths_are_refused_before_anything_is_read(tmp_path, src, message):
    text = GOOD.replace("src: figures/bars.svg", f"src: {src}")
    [problem] = problems_of(tmp_path, text)
    assert problem.startswith(f"{line_of(text, 'src:')}:14: sections.1.figures.1.src: {message}")


def test_figure_behind_a_symlink_out_of_the_folder_is_refused(tmp_path):
    outside = tmp_path / "outside.svg"
    outside.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (tmp_path / "lesson" / "figures").mkdir(parents=True)
    (tmp_path / "lesson" / "figures" / "bars.svg").symlink_to(outside)
    [problem] = problems_of(tmp_path / "lesson", GOOD)
    assert "figure paths may not leave the lesson's folder" in problem


def test_yaml_is_loaded_safely(tmp_path):
    text = GOOD.replace("title: Түрксіб темір жолы", "title: !!python/object/apply:os.system ['echo pwned']")
    [problem] = problems_of(tmp_path, text)
    assert "the tag !!python/object/apply:os.system is not allowed" in problem


def test_not_a_mapping_and_not_utf8(tmp_path):
    assert problems_of(tmp_path, "- just\n- a list\n") == [
        "1:1: a lesson file must be a mapping of keys such as id, title, sections"
    ]
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: Қазақ".encode()[:-1] + b"\xff")
    with pytest.raises(ContentError, match="not UTF-8"):
        load_lesson(path)


def test_a_chart_value_takes_a_decimal_point_or_comma_and_is_a_finite_number(tmp_path):
    chart = '    charts:\n      - title: Үлес\n        unit: "%"\n        points:\n'
    chart += '          - label: "1928"\n            value: 19,8\n          - {label: "1935", value: 43.5}\n'
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "bars.svg").write_bytes((EVERY_KIND.parent / "figures" / "bars.svg").read_bytes())
    text = GOOD.replace("    figures:\n", chart + "    figures:\n", 1)
    lesson = load_lesson(write_lesson(tmp_path, text))
    assert [point.value for point in lesson.charts[0].points] == [19.8, 43.5]
    for value, message in [
        ("қырық", "not a number (write a number such as 19.8 or 19,8)"),
        (".inf", "not a number (write a number such as 19.8 or 19,8)"),
        ("inf", "not a number (write a number such as 19.8 or 19,8)"),
        ("nan", "not a number (write a number such as 19.8 or 19,8)"),
        ("!!float .inf", "not a finite number (write a number such as 19.8 or 19,8)"),
    ]:
        bad = text.replace("value: 19,8", f"value: {value}")
        assert problems_of(tmp_path, bad) == [
            f"{line_of(bad, 'value: ' + value)}:20: sections.1.charts.1.points.1.value: {message}"
        ], value


def test_text_is_typeset_at_load_unless_the_lesson_says_not(tmp_path):
    text = GOOD.replace("Ірі машиналы өндірісті құру.", 'Ф.И.Голощекин "Кіші Қазан" - 1928-1932 жж.')
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "bars.svg").write_bytes((EVERY_KIND.parent / "figures" / "bars.svg").read_bytes())
    lesson = load_lesson(write_lesson(tmp_path, text))
    assert lesson.terms[0].definition == "Ф.\u00a0И.\u00a0Голощекин «Кіші Қазан»\u00a0– 1928–1932\u00a0жж."
    assert "Ф.И.Голощекин" in (tmp_path / "lesson.yaml").read_text(encoding="utf-8"), "the file is not rewritten"
    lesson = load_lesson(write_lesson(tmp_path, "typography: false\n" + text))
    assert lesson.terms[0].definition == 'Ф.И.Голощекин "Кіші Қазан" - 1928-1932 жж.'
