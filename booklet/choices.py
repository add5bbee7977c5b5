"""The choices the command line offers and the library accepts, in a module that imports nothing.

`booklet --help` lists them, so they must be known without loading the renderer, the content
model or the locales; the modules that act on them import them from here.
"""

KINDS = ("handout", "tables", "worksheet", "key")
"""Every printout of a lesson, in the order they are built."""

LANGUAGES = ("kk", "ru", "en")
"""Languages of the page labels, each with a file in booklet/locales/."""

SCRIPTS = ("cyrl", "latn")
"""Alphabets Kazakh is printed in: Cyrillic, or the 2021 Latin alphabet."""

ASSIGNMENTS = ("round-robin", "shuffle")
"""How pupils get variants: in turn down the class list (neighbours in the list differ), or
shuffled by the seed (still as even as round-robin: counts differ by at most one)."""

PAPERS = ("a4", "a5")
"""Paper the pages are laid out on: A4 (210×297 mm), or A5 (148×210 mm), half an A4 sheet."""

IMPOSITIONS = ("2up", "booklet")
"""How A5 pages are put on A4 sheets: two side by side in order, or in the order of a
folded, saddle-stitched booklet."""

PDF_VARIANTS = ("pdf/ua-1", "pdf/a-2a", "pdf/a-2b", "pdf/a-2u")
"""The standard a build's PDFs claim. Every PDF is tagged (headings, lists, tables, figures'
alternative text, the page's language) whichever is chosen: PDF/UA-1, accessible (the
default), or PDF/A-2 for archives, level a (accessible), b (looks the same) or u (and its text
is Unicode), with the sRGB output intent an archive needs."""
