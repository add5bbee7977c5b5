"""Scanning and marking filled answer sheets (issue 12).

booklet laid every answer sheet out itself, so it knows where each circle of each copy is;
the QR code on a sheet names the exam, the variant, the seed and the pupil, which is enough to
lay that copy's sheet out again and read it. The room's modules, in the order a page meets them:

- `geometry.py`, `layout.py`: where the markers, circles and tick boxes of a variant's sheet
  are, read back from WeasyPrint's layout of it;
- `readings.py`: what reading a page found (filled, empty, or uncertain; never a guess);
- `marking.py`, `corrections.py`: each item's answer, points per task and criterion, the mark,
  and the teacher's corrections of what was doubtful;
- `report.py`, `annotated.py`, `review.py`, `words.py`: results.xlsx and CSV, item statistics,
  annotated copies, review.html, and their Kazakh wording.

Reading scans (markers, perspective, the QR, measuring circles) and the `booklet scan` command
come next. Nothing here is imported by the other commands.
"""
