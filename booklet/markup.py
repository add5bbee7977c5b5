"""The small, safe Markdown that reading text may use: paragraphs, emphasis and lists.

markdown-it-py starts from its 'zero' preset (nothing enabled) with raw HTML off, so a
`<script>` in a lesson is printed as text and no link or image can reach out of the page.
"""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from markupsafe import Markup


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("zero", {"html": False, "linkify": False, "typographer": False}).enable(
        ["emphasis", "list", "newline"]
    )


def reading_html(text: str) -> Markup:
    """HTML for a section's reading text; everything but the allowed Markdown is escaped."""
    return Markup(_parser().render(text))
