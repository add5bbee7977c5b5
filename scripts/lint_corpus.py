"""Lint real Kazakh text nobody on this project wrote, to see how often each rule fires and on what.

    python scripts/lint_corpus.py [CORPUS] [--examples N]
    python scripts/lint_corpus.py --words /usr/share/hunspell/kk_KZ.dic

CORPUS defaults to tests/fixtures/corpus/ud-kazakh-ktb-test.txt (one sentence a line). Prints how
many findings each code has, on how many lines, and a few examples of each, so false positives
can be read and classified. Each line is checked as one string, as a lesson's field would be.

With --words, each line of FILE is one word (a hunspell .dic file works: the count on its first
line and the affix flags after "/" are dropped), and every word is checked on its own: the way
to measure the letter rules (K111, K112) on a word list of correct Kazakh, e.g. Debian's
hunspell-kk. Every word they flag there is either a typo in the list or a false alarm.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

from booklet.defects import CODES
from booklet.typography import defects, normalise

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fixtures" / "corpus" / "ud-kazakh-ktb-test.txt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=CORPUS)
    parser.add_argument("--examples", type=int, default=4, help="examples to print per code")
    parser.add_argument("--words", type=Path, help="a word list, one word a line, to check word by word")
    args = parser.parse_args()
    if args.words:
        lint_words(args.words, args.examples)
    else:
        lint_lines(args.corpus, args.examples)


def lint_lines(corpus: Path, examples: int) -> None:
    lines = corpus.read_text(encoding="utf-8").splitlines()
    found: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for number, line in enumerate(lines, start=1):
        for defect in defects(line):
            found[defect.code].append((number, _excerpt(line, defect.start, defect.end), defect.fix or ""))
    changed = sum(normalise(line) != line for line in lines)
    total = sum(len(items) for items in found.values())
    print(f"{corpus.name}: {len(lines)} lines, {total} findings, normalise changes {changed} lines\n")
    for code in sorted(found):
        items = found[code]
        print(f"{code} {CODES[code]}: {len(items)} on {len({n for n, _, _ in items})} lines")
        for number, excerpt, fix in items[:examples]:
            print(f"    {number}: {excerpt}" + (f"   fix: {fix!r}" if fix else ""))
    quiet = sorted(set(CODES) - set(found))
    print(f"\nno findings: {', '.join(quiet)}")


def lint_words(path: Path, examples: int) -> None:
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    words = sorted({line.split("/")[0].strip() for line in lines if line.strip() and not line.strip().isdigit()})
    flagged: dict[str, list[str]] = defaultdict(list)
    for word in words:
        for code in sorted({defect.code for defect in defects(word)}):
            flagged[code].append(word)
    print(f"{path.name}: {len(words)} words\n")
    for code in sorted(flagged):
        items = flagged[code]
        print(f"{code} {CODES[code]}: {len(items)} words ({len(items) / len(words):.3%})")
        print("    " + " ".join(items[:examples]))


def _excerpt(line: str, start: int, end: int) -> str:
    """The finding in its context, marked with ⟦ ⟧."""
    left, right = max(0, start - 25), min(len(line), end + 25)
    return f"{line[left:start]}⟦{line[start:end]}⟧{line[end:right]}"


if __name__ == "__main__":
    main()
