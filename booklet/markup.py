"""The small, safe Markdown that reading text may use: paragraphs, emphasis and lists.

markdown-it-py starts from its 'zero' preset (nothing enabled) with raw HTML off, so a
`<script>` in a lesson is printed as text and no link or image can reach out of the page.
"""

from __future__ import annotations

import re
from functools import cache

from markdown_it import MarkdownIt
from markupsafe import Markup


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("zero", {"html": False, "linkify": False, "typographer": False}).enable(
        ["emphasis", "list", "newline"]
    )


# «ұрпақтары – <strong>Кенесары</strong>»: WeasyPrint (70) drops the space between a dash and an
# emphasised word when it lays the line out again to hyphenate a later word of it, and prints
# «ұрпақтары –Кенесары». The space kept inside the emphasis is laid out like any other.
_DASH_THEN_EMPHASIS = re.compile(r"([–—]) <(strong|em)>")


def reading_html(text: str) -> Markup:
    """HTML for a section's reading text; everything but the allowed Markdown is escaped."""
    return Markup(_DASH_THEN_EMPHASIS.sub(r"\1<\2> ", _parser().render(text)))
