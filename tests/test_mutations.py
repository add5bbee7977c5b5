"""Property: whatever a slip does to a bundled file, `booklet check` ends with exit 0 or 2, never a
traceback, and every line it prints on failure says file:line:col (issue 10, point 10).

Hypothesis mutates the unit's real lessons, course and exam the ways files get damaged: a line
deleted, doubled or re-indented, a value replaced by something YAML reads differently, pasted
characters, a file cut short. The examples are derandomised so CI is reproducible; set
HYPOTHESIS_PROFILE=thorough for a longer hunt.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booklet.cli import main

UNIT = Path(__file__).resolve().parents[1] / "content" / "industrialisation"
FILES = sorted(path.name for path in UNIT.glob("*.yaml"))
TEXTS = {name: (UNIT / name).read_text(encoding="utf-8") for name in FILES}

settings.register_profile(
    "ci", max_examples=30, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)
settings.register_profile("thorough", max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

NASTY = [
    "",
    "~",
    "yes",
    "no",
    "on",
    "1927",
    "-1",
    "1e400",
    ".nan",
    ".inf",
    "0x1F",
    "2026-02-30",
    "31.04.2026",
    "[",
    "]",
    "{",
    "}",
    "'",
    '"',
    "[[1927]",
    "[[X[[IV]]",
    "]]",
    "!!int тоғыз",
    "!!bool мүмкін",
    "!!timestamp ертең",
    "!!set {a, b}",
    "!!binary aGVsbG8=",
    "!!python/object/apply:os.system ['true']",
    "&anchor x",
    "*anchor",
    "*nowhere",
    "[a, [b, [c]]]",
    "{a: 1}",
    "? [a, b]",
    "|",
    ">-",
    "- a",
    "---",
    "...",
    "%YAML 1.1",
    "{{ 7*7 }}",
    "{% include 'x' %}",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "/etc/passwd",
    "http://127.0.0.1/x.png",
    "figures/nowhere.svg",
    "\x0b",
    "\x00",
    "\x1b[31m",
    "\ufffe",
    "😀",
    "☭",
    "қазақ" * 20,
    "\t",
    "Казақстан",
    "ірісі -",
]


@st.composite
def damaged(draw: st.DrawFn) -> tuple[str, str]:
    """One bundled file's name and its text after one to three slips."""
    name = draw(st.sampled_from(FILES))
    lines = TEXTS[name].split("\n")
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(lines) - 1))
        slip = draw(st.sampled_from(["delete", "double", "indent", "value", "paste", "cut", "key"]))
        if slip == "delete":
            del lines[at]
        elif slip == "double":
            lines.insert(at, lines[at])
        elif slip == "indent":
            lines[at] = " " * draw(st.integers(0, 9)) + lines[at].lstrip(" ")
        elif slip == "value" and ": " in lines[at]:
            lines[at] = lines[at].split(": ", 1)[0] + ": " + draw(st.sampled_from(NASTY))
        elif slip == "key" and ":" in lines[at]:
            indent = len(lines[at]) - len(lines[at].lstrip(" "))
            lines[at] = " " * indent + draw(st.sampled_from(NASTY)) + ":" + lines[at].split(":", 1)[1]
        elif slip == "paste":
            column = draw(st.integers(0, len(lines[at])))
            pasted = draw(st.sampled_from(NASTY) | st.text(max_size=8))
            lines[at] = lines[at][:column] + pasted + lines[at][column:]
        elif slip == "cut":
            lines = lines[: at + 1]
            lines[-1] = lines[-1][: draw(st.integers(0, len(lines[-1])))]
        if not lines:
            lines = [""]
    return name, "\n".join(lines)


LOCATED = re.compile(r"^\S.*?:\d+:\d+: \S")


@given(damaged())
def test_a_damaged_file_is_checked_without_a_traceback_and_every_problem_is_located(case):
    name, text = case
    with tempfile.TemporaryDirectory() as folder:
        shutil.copytree(UNIT, folder, dirs_exist_ok=True)
        (Path(folder) / name).write_text(text, encoding="utf-8")
        result = CliRunner().invoke(main, ["check", str(Path(folder) / name)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 2), result.output
    lines = result.output.splitlines()
    if result.exit_code == 0:
        assert len(lines) == 1 and lines[0].endswith(" OK")
    else:
        assert lines, "exit 2 with nothing said"
        unlocated = [line for line in lines if not LOCATED.match(line)]
        assert not unlocated, unlocated
