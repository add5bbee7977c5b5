"""Render the README's picture: page 1 of the sample worksheet beside page 1 of its key.

Run after a change to the templates or the sample lesson:
    python3 scripts/readme_images.py
pypdfium2 (a dependency, for scanned PDFs) renders the pages; Pillow comes with WeasyPrint.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pypdfium2
from PIL import Image, ImageDraw

from booklet import build, sample_lesson

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "worksheet-and-key.png"
SCALE = 80 / 72  # 80 dpi: legible in a README, small in the repository
GAP = 24


def first_page(path: Path) -> Image.Image:
    document = pypdfium2.PdfDocument(path)
    image = document[0].render(scale=SCALE).to_pil().convert("RGB")
    document.close()
    return image


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        written = {p.kind: p.path for p in build(sample_lesson(), folder, only=["worksheet", "key"])}
        sheet, key = first_page(written["worksheet"]), first_page(written["key"])
    picture = Image.new("RGB", (sheet.width + key.width + 3 * GAP, sheet.height + 2 * GAP), "#d8d8d8")
    picture.paste(sheet, (GAP, GAP))
    picture.paste(key, (2 * GAP + sheet.width, GAP))
    draw = ImageDraw.Draw(picture)
    for x, image in ((GAP, sheet), (2 * GAP + sheet.width, key)):
        draw.rectangle((x - 1, GAP - 1, x + image.width, GAP + image.height), outline="#888888")
    TARGET.parent.mkdir(exist_ok=True)
    picture.save(TARGET, optimize=True)
    print(f"wrote {TARGET.relative_to(ROOT)} ({TARGET.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
