"""How well `booklet scan` reads answer sheets: generated scans of the bundled exam, read back.

Real answer sheets of content/industrialisation/exam.yaml (four variants, laid out by
`scan/layout.sheet_plan`) are filled as pupils do and degraded as phones and copiers do
(`scan/simulate.py`), every kind mixed by seed; each page is read with `read_page` and its
circles compared with the truth. Printed: the confusion counts, the share read right, every
silent error (a circle read filled or empty that is not: uncertain is never silent, it goes
to review), the pages that could not be read, and the reading speed on one core.

    python3 scripts/scan_accuracy.py                 # 120 sheets, about 18,000 circles
    python3 scripts/scan_accuracy.py --sheets 20 --seed 5 --save /tmp/scans

Targets (issue 12): at least 99.9 % of circles read right, no silent error, 4 sheets a second.
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"  # one core, as the speed target says

import argparse  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

import cv2  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from booklet.exam import derive_variants  # noqa: E402
from booklet.exam_loader import load_exam  # noqa: E402
from booklet.labels import labels_for  # noqa: E402
from booklet.qr import payload  # noqa: E402
from booklet.render import default_renderer  # noqa: E402
from booklet.scan.layout import sheet_plan  # noqa: E402
from booklet.scan.reading import read_page  # noqa: E402
from booklet.scan.readings import PageSource  # noqa: E402
from booklet.scan.simulate import blank_page, degrade, fill, random_degradation  # noqa: E402

EXAM = ROOT / "content" / "industrialisation" / "exam.yaml"
SEED, VARIANTS, DPI = 7, 4, 200
EXPECTED = {"filled": "filled", "empty": "empty", "cancelled": "uncertain", "doubtful": "uncertain"}
"""What reading must say of each truth: a cancelled or doubtful circle is for the teacher."""


def main() -> None:
    options = _options()
    cv2.setNumThreads(1)
    exam = load_exam(EXAM)
    labels = labels_for("kk")
    renderer = default_renderer()
    variants = derive_variants(exam, SEED, VARIANTS, labels)
    plans = {v.index: sheet_plan(exam, v, labels, renderer, EXAM.parent) for v in variants}
    blanks = {index: blank_page(plan.blank_pdf, DPI) for index, plan in plans.items()}

    def plan_for(sheet):
        variant = next((v for v in variants if v.index == sheet.index), None)
        if sheet.exam != exam.id or sheet.seed != SEED or variant is None or variant.code != sheet.variant:
            return None
        return plans[variant.index]

    confusion: Counter[tuple[str, str]] = Counter()
    ticks: Counter[tuple[str, str]] = Counter()
    reasons: Counter[str] = Counter()
    darkness: dict[str, list[float]] = {}
    silent, failed, notes = [], [], Counter()
    reading_time = 0.0
    for number in range(options.sheets):
        rng = random.Random(options.seed * 1_000_003 + number)
        variant = variants[number % VARIANTS]
        pupil = rng.randint(1, 30) if rng.random() < 0.7 else None
        text = payload(exam.id, variant.code, SEED, variant.index, pupil)
        sheet = fill(blanks[variant.index], plans[variant.index].geometry, DPI, rng, text)
        damage = random_degradation(rng)
        image = degrade(sheet, damage, rng)
        if options.save:
            cv2.imwrite(str(Path(options.save) / f"sheet-{number:03d}.jpg"), image)
        started = time.perf_counter()
        reading = read_page(image, PageSource(f"sheet-{number:03d}", 1), plan_for)
        reading_time += time.perf_counter() - started
        notes.update(reading.notes)
        if reading.problem:
            failed.append((number, reading.problem, damage))
            continue
        for truth, circle, kind in zip(sheet.circles, reading.circles, sheet.kinds, strict=True):
            confusion[truth, circle.state] += 1
            if circle.reason != "cancelled":
                darkness.setdefault(truth, []).append(circle.darkness)
            if truth in ("cancelled", "doubtful"):
                reasons[f"{truth}: {circle.reason or circle.state}"] += 1
            if circle.state != "uncertain" and circle.state != EXPECTED[truth]:
                silent.append((number, truth, kind, circle))
        for truth, tick in zip(sheet.ticks, reading.ticks, strict=True):
            ticks[truth, tick.state] += 1
            darkness.setdefault(f"tick {truth}", []).append(tick.darkness)
            if tick.state != "uncertain" and tick.state != truth:
                silent.append((number, f"tick {truth}", "", tick))
    _report(options.sheets, confusion, ticks, reasons, silent, failed, notes, reading_time)
    print(
        "darkness read (min-max), against the thresholds: "
        + ", ".join(f"{truth} {min(values):.3f}-{max(values):.3f}" for truth, values in sorted(darkness.items()))
    )


def _options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sheets", type=int, default=120)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--save", help="a folder to write the generated scans into")
    return parser.parse_args()


def _report(sheets, confusion, ticks, reasons, silent, failed, notes, reading_time) -> None:
    states = ("filled", "empty", "uncertain")
    print(f"{'truth':<10}" + "".join(f"{s:>11}" for s in states) + "   (read as)")
    for truth in EXPECTED:
        print(f"{truth:<10}" + "".join(f"{confusion[truth, s]:>11}" for s in states))
    for truth in ("filled", "empty"):
        print(f"{'tick ' + truth:<10}" + "".join(f"{ticks[truth, s]:>11}" for s in states))
    circles = sum(confusion.values())
    right = sum(n for (truth, state), n in confusion.items() if state == EXPECTED[truth])
    ticks_right = sum(n for (truth, state), n in ticks.items() if state == truth)
    print(f"\ncircles read: {circles} on {sheets - len(failed)} of {sheets} sheets")
    print(f"read right: {right} ({100 * right / max(circles, 1):.3f} %)")
    print(f"tick boxes read right: {ticks_right} of {sum(ticks.values())}")
    print("reasons given: " + ", ".join(f"{k} {v}" for k, v in sorted(reasons.items())))
    print(f"silent errors: {len(silent)}")
    for number, truth, kind, reading in silent[:20]:
        print(f"  sheet {number}: {truth} ({kind}) read {reading.state}, darkness {reading.darkness:.3f}")
    print(f"pages not read: {len(failed)}")
    for number, problem, damage in failed:
        print(f"  sheet {number}: {problem}\n    {damage}")
    print("notes: " + ", ".join(f"{k} {v}" for k, v in sorted(notes.items())))
    speed, each = sheets / reading_time, 1000 * reading_time / sheets
    print(f"speed: {speed:.2f} sheets/s on one core ({each:.0f} ms a sheet, read_page only)")


if __name__ == "__main__":
    main()
