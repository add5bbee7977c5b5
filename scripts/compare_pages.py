"""Do two sets of PDFs look the same? Page by page: pixels, text and where each letter sits.

    python3 scripts/compare_pages.py BEFORE_DIR AFTER_DIR [--dpi 100] [--diffs DIR] [--match '*-rubric.pdf']

For every PDF in BEFORE_DIR, the PDF of the same name in AFTER_DIR must have as many pages,
and for each page it reports:

- pixels: the page rendered (pypdfium2, `--dpi`) in both, and the number of pixels that
  differ in any channel, with the largest difference of a channel (0–255);
- text: whether pdfplumber reads the same text off the page;
- letters: how far the letters moved, in points, as the largest |dx| or |dy| between the
  n-th character of both pages in reading order (pdfplumber's positions, exact to the PDF's
  precision), and whether any character's font or size changed.

A page that differs in anything is listed; `--diffs DIR` also writes a picture of each such
page with its differing pixels in red. It exits with 1 if any page differs, so that a change
to the stylesheet or the templates that was meant to change nothing can be checked:

    python3 scripts/layout_profile.py --write before/   # on the old commit
    python3 scripts/layout_profile.py --write after/    # with the change
    python3 scripts/compare_pages.py before/ after/
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2
from PIL import Image, ImageChops


@dataclass(frozen=True)
class PageDifference:
    """How one page of AFTER differs from the same page of BEFORE."""

    page: int
    pixels: int
    """Pixels that differ in any channel."""
    depth: int
    """The largest difference of one channel of one pixel, 0–255."""
    text_same: bool
    moved: float
    """The largest distance, in points, a character moved along x or y."""
    letters_same: bool
    """Same characters in the same fonts and sizes, in the same order."""

    @property
    def same(self) -> bool:
        return not self.pixels and self.text_same and not self.moved and self.letters_same


def in_reading_order(chars: list[dict]) -> list[dict]:
    """Characters by position rather than in the order they were painted, which may change
    when nothing moves (a float is painted after the text beside it)."""
    return sorted(chars, key=lambda char: (round(char["top"]), round(char["x0"]), char["text"]))


def compare_letters(before: list[dict], after: list[dict]) -> tuple[float, bool]:
    """How far the characters moved at most, and whether they are the same characters."""
    before, after = in_reading_order(before), in_reading_order(after)
    same = len(before) == len(after)
    moved = 0.0
    for old, new in zip(before, after, strict=False):
        same = same and _letter(old) == _letter(new)
        moved = max(moved, abs(old["x0"] - new["x0"]), abs(old["top"] - new["top"]))
    return round(moved, 4), same


def _letter(char: dict) -> tuple[str, str, float]:
    return char["text"], char["fontname"], round(char["size"], 3)


def compare(before: Path, after: Path, dpi: int, diffs: Path | None) -> tuple[int, int, list[PageDifference]]:
    """The page counts of both PDFs and how each page they share differs."""
    old_document, new_document = pypdfium2.PdfDocument(before), pypdfium2.PdfDocument(after)
    try:
        with pdfplumber.open(before) as old_pdf, pdfplumber.open(after) as new_pdf:
            pages = []
            for index, texts in enumerate(zip(old_pdf.pages, new_pdf.pages, strict=False)):
                old, new = (
                    document[index].render(scale=dpi / 72).to_pil().convert("RGB")
                    for document in (old_document, new_document)
                )
                page = compare_page(index + 1, old, new, *texts)
                if diffs is not None and not page.same:
                    difference_picture(old, new).save(diffs / f"{before.stem}-p{page.page}.png")
                pages.append(page)
        return len(old_document), len(new_document), pages
    finally:
        old_document.close()
        new_document.close()


def compare_page(number: int, old: Image.Image, new: Image.Image, old_text: Any, new_text: Any) -> PageDifference:
    """How page `number` differs: its pictures and its pdfplumber pages."""
    text_same = (old_text.extract_text() or "") == (new_text.extract_text() or "")
    moved, letters_same = compare_letters(old_text.chars, new_text.chars)
    if old.size != new.size:
        return PageDifference(number, old.width * old.height, 255, text_same, moved, letters_same)
    delta = ImageChops.difference(old, new)
    pixels = changed(delta).histogram()[255]
    depth = max(high for _, high in delta.getextrema())
    return PageDifference(number, pixels, depth, text_same, moved, letters_same)


def changed(delta: Image.Image) -> Image.Image:
    """A mask of the pixels that differ in any channel."""
    return delta.convert("L").point(lambda value: 255 if value else 0)


def difference_picture(old: Image.Image, new: Image.Image) -> Image.Image:
    """The new page in grey with its differing pixels in red."""
    grey = new.convert("L").convert("RGB")
    if old.size != new.size:
        return grey
    return Image.composite(Image.new("RGB", new.size, "red"), grey, changed(ImageChops.difference(old, new)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path, help="folder of PDFs as they were")
    parser.add_argument("after", type=Path, help="folder of PDFs of the same names, as they are now")
    parser.add_argument("--dpi", type=int, default=100, help="resolution of the pixel comparison (default: 100)")
    parser.add_argument("--diffs", type=Path, metavar="DIR", help="write a picture of each page that differs")
    parser.add_argument("--match", default="*.pdf", help="compare only the PDFs whose names match (default: *.pdf)")
    args = parser.parse_args()
    if args.diffs:
        args.diffs.mkdir(parents=True, exist_ok=True)

    names = sorted(path.name for path in args.before.glob(args.match) if path.suffix == ".pdf")
    if not names:
        sys.exit(f"no PDFs in {args.before}")
    differing = 0
    for name in names:
        before, after = args.before / name, args.after / name
        if not after.exists():
            print(f"{name}: missing in {args.after}")
            differing += 1
            continue
        old_count, new_count, pages = compare(before, after, args.dpi, args.diffs)
        worst = max((page.pixels for page in pages), default=0)
        moved = max((page.moved for page in pages), default=0.0)
        status = "same" if old_count == new_count and all(page.same for page in pages) else "DIFFERENT"
        print(
            f"{name}: {status}, {old_count} → {new_count} pages, at most {worst} pixels differ on a page, "
            f"letters moved at most {moved} pt"
        )
        for page in pages:
            if not page.same:
                print(
                    f"  page {page.page}: {page.pixels} pixels differ (by up to {page.depth}), "
                    f"text {'same' if page.text_same else 'DIFFERENT'}, letters moved {page.moved} pt"
                    f"{'' if page.letters_same else ', letters DIFFERENT'}"
                )
        differing += status != "same"
    print(f"{len(names)} PDFs compared at {args.dpi} dpi: {differing} differ")
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
