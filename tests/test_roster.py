"""Class rosters as spreadsheets export them: UTF-8 with or without BOM, commas or semicolons."""

from __future__ import annotations

import pytest

from booklet import ContentError
from booklet.roster import Pupil, read_roster


def write(tmp_path, text: str, encoding: str = "utf-8", name: str = "class.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def problems(path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        read_roster(path)
    return [str(problem).replace(f"{path}:", "") for problem in caught.value.problems]


def test_kazakh_names_with_a_bom_and_semicolons(tmp_path):
    path = write(
        tmp_path,
        "№;Аты-жөні;Сынып\r\n1;Әлиев  Нұрлан;9 Ә\r\n2;Құрманғазы Үміт;9 Ә\r\n\r\n3;Іңкәр Өтебаева;9 Ә\r\n",
        "utf-8-sig",
    )
    assert read_roster(path) == (Pupil("Әлиев Нұрлан", 2), Pupil("Құрманғазы Үміт", 3), Pupil("Іңкәр Өтебаева", 5))


def test_commas_without_a_bom_and_a_russian_heading(tmp_path):
    path = write(tmp_path, 'ФИО,Класс\nИванов Иван,9А\n"Сәтбаев, Қаныш",9А\n')
    assert [pupil.name for pupil in read_roster(path)] == ["Иванов Иван", "Сәтбаев, Қаныш"]


def test_a_single_name_column(tmp_path):
    assert [p.name for p in read_roster(write(tmp_path, "name\nAigerim\nDana\n"))] == ["Aigerim", "Dana"]


def test_a_malformed_row_is_named_by_its_row_number(tmp_path):
    path = write(tmp_path, "Аты-жөні;Сынып\nӘлиев Нұрлан;9 Ә\nҚұрманғазы Үміт;9 Ә;артық\n;9 Ә\n")
    assert problems(path) == [
        "3:1: row has 3 cells but the heading row has 2 (separate cells with ';' only)",
        "4:1: the name cell is empty (fill it in or delete the row)",
    ]


def test_no_name_column(tmp_path):
    assert problems(write(tmp_path, "Сынып;Балл\n9 Ә;5\n")) == [
        "1:1: no name column among 'Сынып', 'Балл' (name the pupils' column «Аты-жөні» (or «ФИО», «name»))"
    ]


def test_not_utf8(tmp_path):
    path = write(tmp_path, "ФИО\nИванов\n", encoding="cp1251")
    assert problems(path) == ["1:1: the roster is not UTF-8 text (save it from the spreadsheet as «CSV UTF-8»)"]


def test_empty_and_heading_only(tmp_path):
    assert problems(write(tmp_path, "\n\n", name="empty.csv"))[0].startswith("1:1: the roster is empty")
    assert problems(write(tmp_path, "Аты-жөні\n", name="heading.csv")) == [
        "1:1: the roster has a heading row but no pupils"
    ]
