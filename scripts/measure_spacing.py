"""How loose does justified Kazakh text get, without and with hyphenation?

Renders the sample handout twice with its body text (p, li, dd) justified: once with
`hyphens: manual` (nothing breaks inside a word: what booklet did before it had a Kazakh
dictionary) and once with `hyphens: auto` and booklet's dictionary registered. For each PDF it
prints the share of justified lines whose word spacing is stretched past 1.5 times normal.

Everything is measured from the PDF with pdfplumber. A line is a row of words in the body
face (serif, body size). It counts as justified when it has two words or more and the next
line continues its paragraph (one line pitch below, same left edge), so the last line of a
paragraph, a term before its definition, and a line before a page break are left out. Its spacing is the median
gap between its words, against the width of the font's own space at that size.

    python3 scripts/measure_spacing.py
"""

from __future__ import annotations

import io
import statistics
import sys
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pdfplumber

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # measure the checkout, installed or not
    sys.path.insert(0, str(ROOT))

from booklet import Renderer, load_lesson, sample_lesson  # noqa: E402
from booklet.hyphenation import register  # noqa: E402
from booklet.labels import labels_for  # noqa: E402
from booklet.printouts import html_for  # noqa: E402
from booklet.typeset import GEOMETRY  # noqa: E402

LOOSE = 1.5
"""A line is loose when its word gaps are wider than this many normal spaces."""
BODY_FACE = "Booklet-Serif"
JUSTIFY = "<style>p, li, dd {{ text-align: justify !important; hyphens: {hyphens} !important; }}</style>"
MARKERS = {"•"} | {f"{n}." for n in range(1, 100)}
"""List markers, which pdfplumber reads as the first word of an item's first line."""


@dataclass(frozen=True)
class Line:
    """One justified line of body text, as the PDF shows it."""

    page: int
    text: str
    gap: float
    """Median distance between the line's words, in points."""
    space: float
    """Width of the font's space at the line's size, in points."""

    @property
    def stretch(self) -> float:
        return self.gap / self.space


def render_handout(hyphens: str) -> bytes:
    """The sample handout's PDF with body text justified and `hyphens` set as given."""
    path = sample_lesson()
    html = html_for("handout", load_lesson(path), labels_for("kk"))
    html = html.replace("</head>", JUSTIFY.format(hyphens=hyphens) + "</head>", 1)
    return Renderer().render(html, path.parent, "handout").pdf


def justified_lines(pdf: bytes) -> list[Line]:
    """Every justified line of body text in `pdf`."""
    found = []
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for number, page in enumerate(document.pages, 1):
            rows = _body_rows(page)
            if len(rows) < 2:
                continue
            space, pitch = _space_width(page), _pitch(rows)
            for row, following in pairwise(rows):
                words, next_words = _text(row), _text(following)
                if len(words) < 2 or not _same_paragraph(words, next_words, pitch):
                    continue
                gaps = [right["x0"] - left["x1"] for left, right in pairwise(words)]
                text = " ".join(word["text"] for word in words)
                found.append(Line(number, text, statistics.median(gaps), space))
    return found


def _text(row: list[dict]) -> list[dict]:
    """A row's words without the list marker in front of an item's first line."""
    return row[1:] if row[0]["text"] in MARKERS else row


def _same_paragraph(row: list[dict], following: list[dict], pitch: float) -> bool:
    """Whether `following` continues `row`'s paragraph: one line pitch below, same left edge.
    A paragraph's last line is followed by a margin, or by a block that starts elsewhere
    (a definition after its term, the next page)."""
    return (
        bool(following)
        and abs(following[0]["bottom"] - row[0]["bottom"] - pitch) < 0.5
        and abs(following[0]["x0"] - row[0]["x0"]) < 1
    )


def _body_rows(page) -> list[list[dict]]:
    """Rows of words in the body face and size, top to bottom, each sorted left to right."""
    words = page.extract_words(keep_blank_chars=False, x_tolerance=1, extra_attrs=["fontname", "size"])
    body = [w for w in words if BODY_FACE in w["fontname"] and abs(w["size"] - GEOMETRY.body_pt) < 0.1]
    rows: list[list[dict]] = []
    for word in sorted(body, key=lambda w: (round(w["bottom"]), w["x0"])):
        if rows and abs(rows[-1][0]["bottom"] - word["bottom"]) < 1:
            rows[-1].append(word)
        else:
            rows.append([word])
    return [sorted(row, key=lambda w: w["x0"]) for row in rows]


def _space_width(page) -> float:
    """Width of a space in the body face at body size (the commonest, as the font gives it)."""
    widths = Counter(
        round(c["x1"] - c["x0"], 2)
        for c in page.chars
        if c["text"] == " " and BODY_FACE in c["fontname"] and abs(c["size"] - GEOMETRY.body_pt) < 0.1
    )
    return widths.most_common(1)[0][0]


def _pitch(rows: list[list[dict]]) -> float:
    """Distance between the lines of one paragraph: the commonest distance between rows."""
    distances = Counter(round(b[0]["bottom"] - a[0]["bottom"], 1) for a, b in pairwise(rows))
    return distances.most_common(1)[0][0]


def loose_share(lines: list[Line]) -> float:
    """Share of `lines` stretched past `LOOSE` times a normal space."""
    return sum(line.stretch > LOOSE for line in lines) / len(lines)


def main() -> int:
    before = justified_lines(render_handout("manual"))
    register()
    after = justified_lines(render_handout("auto"))
    for name, lines in [("before (hyphens: manual)", before), ("after (hyphens: auto, kk)", after)]:
        loose = sum(line.stretch > LOOSE for line in lines)
        hyphenated = sum(line.text.endswith("-") for line in lines)
        print(
            f"{name}: {loose} of {len(lines)} justified lines stretched past {LOOSE}x normal "
            f"= {loose_share(lines):.1%} (median stretch {statistics.median(line.stretch for line in lines):.2f}x, "
            f"lines ending in a hyphen: {hyphenated})"
        )
    ratio = loose_share(after) / loose_share(before) if loose_share(before) else float("nan")
    print(f"ratio after/before: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
