"""Scanning and marking filled answer sheets: `booklet scan`.

booklet laid every answer sheet out itself, so it knows where each circle of each copy is;
the QR code on a sheet names the exam, the variant, the seed and the pupil, which is enough to
lay that copy's sheet out again and read it. The room's modules, in the order a page meets them:

- `images.py`: scanned PDFs and phone photos as grayscale pages;
- `geometry.py`, `layout.py`: where the markers, circles and tick boxes of a variant's sheet
  are, read back from WeasyPrint's layout of it;
- `straighten.py`, `reading.py`: markers, perspective, the QR, and each circle measured
  (filled, empty, or uncertain; never a guess);
- `marking.py`, `corrections.py`: each item's answer, points per task and criterion, the mark,
  and the teacher's corrections of what was doubtful;
- `report.py`, `review.py`: results.xlsx and CSV, item statistics, annotated copies, review.html;
- `grade.py`: the whole run, as the command calls it;
- `simulate.py`: filled and degraded test scans, for the tests and `scripts/scan_accuracy.py`.

Nothing here is imported by the other commands: OpenCV and the QR reader load only for a scan.
"""
