"""One layout, painted more than one way: the key's pages become the pupil's sheet.

A key is its sheet with the answers shown. Both come from one template and one layout (the
answers are laid out in the sheet too, in the same boxes, which is why they paginate alike),
so the sheet is the key's laid-out pages with two things changed before painting:

- the answers (every element of class `answer`, and whatever is inside one) are left out of
  the page's box tree, so they are not drawn, not in the text and not in the PDF at all;
- the page furniture (running header and footer: «Жұмыс парағы» rather than «Жауаптар
  кілті», «Бет 2 / 3» counted over the sheet's own pages) comes from a second, tiny layout
  of empty pages that carries the sheet's strings.

An exam's sheet and key go one step further, so that not even the painting is done twice:
the pages they share (everything but the answers and the running header: the footer, «Бет 2
/ 3» and the variant's note, is the sheet's and the key's alike) are painted once, and each
draws only what is its own over them (`answers_and_head` for the key; for the sheet, its
running header, the same on every page of every variant, laid out once for the set), joined
as form XObjects when bound (binding.py); the key's answers join the structure elements of
their questions there (structure.py).
Painting is over a quarter of what a variant costs; every page comes out identical (compared at 100 dpi).

Nothing is laid out again and nothing moves: every box keeps the position the one layout gave
it. The pages are copied where they change and shared where they do not, so the key stays
whole. This module reads WeasyPrint's box tree (`Page._page_box`, boxes' `children`,
`element`, `position_x`...): the one place that does, beside `render.py`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from weasyprint.formatting_structure.boxes import MarginBox

ANSWER = "answer"
"""The class of every element that holds an answer (templates/exercises, parts, exam)."""

Box = Any  # a WeasyPrint box; the engine touches only `children`, `element` and positions


@dataclass(frozen=True)
class Field:
    """Where a laid-out box sits on its page, in CSS pixels from the page's top left corner."""

    x: float
    y: float
    width: float
    height: float


def classes(box: Box) -> frozenset[str]:
    element = getattr(box, "element", None)
    if element is None:
        return frozenset()
    return frozenset((element.get("class") or "").split())


def is_answer(box: Box) -> bool:
    return ANSWER in classes(box)


def without_answers(page: Any) -> Any:
    """`page` as the pupil sees it: the same boxes in the same places, the answers unpainted."""
    return with_page_box(page, pruned(page._page_box, is_answer))


def with_furniture(page: Any, furniture: Any) -> Any:
    """`page` with the running header and footer of `furniture` (a page of the same size)."""
    box = page._page_box
    content = [child for child in box.children if not isinstance(child, MarginBox)]
    margins = [child for child in furniture._page_box.children if isinstance(child, MarginBox)]
    new = box.copy()
    new.children = tuple(content + margins)
    return with_page_box(page, new)


def without_furniture(page: Any) -> Any:
    """`page` without its running header and footer: the part a sheet and its key share."""
    box = page._page_box
    new = box.copy()
    new.children = tuple(child for child in box.children if not isinstance(child, MarginBox))
    return with_page_box(page, new)


RUNNING_HEAD = frozenset({"@top-left-corner", "@top-left", "@top-center", "@top-right", "@top-right-corner"})
"""The margin boxes of the running header (templates/booklet.css): the document's title and
kind, the same on every page, which differ between a sheet and its key. The footer's boxes
(«Бет 2 / 3», the variant's note) are the same on both."""


def is_head(box: Box) -> bool:
    return isinstance(box, MarginBox) and box.at_keyword in RUNNING_HEAD


def without_head(page: Any) -> Any:
    """`page` without its running header, its footer kept: the part an exam's sheet and key share."""
    box = page._page_box
    new = box.copy()
    new.children = tuple(child for child in box.children if not is_head(child))
    return with_page_box(page, new)


def head_only(page: Any) -> Any:
    """`page` with its running header alone: what a sheet draws over the pages it shares with
    its key (the same header on every page, so one page of it serves them all)."""
    box = page._page_box
    new = box.copy()
    new.children = tuple(child for child in box.children if is_head(child) or not isinstance(child, MarginBox))
    return with_page_box(page, new)


def answers_and_head(page: Any) -> Any:
    """What the key adds to its sheet's pages: the answers and the key's running header, in
    their places, with nothing else painted. Drawn over the shared page, it makes the key; the
    boxes that hold an answer (a line, a cell, a table) are kept as hollow copies, with no
    background and no border, so nothing under the answers is painted twice."""
    box = page._page_box
    new = _hollow(box)
    new.canvas_background = None
    new.children = tuple(
        child if is_head(child) else kept
        for child in box.children
        if is_head(child) or (not isinstance(child, MarginBox) and (kept := _answers_in(child)) is not None)
    )
    return with_page_box(page, new)


def _answers_in(box: Box) -> Box | None:
    """`box` reduced to the answers in it, through hollow copies of the boxes around them."""
    if is_answer(box):
        return box
    children = getattr(box, "children", None)
    if not children:
        return None
    kept = [found for child in children if (found := _answers_in(child)) is not None]
    if not kept:
        return None
    new = _hollow(box)
    new.children = type(children)(kept) if isinstance(children, tuple) else kept
    return new


def _hollow(box: Box) -> Box:
    """A copy of `box` that paints nothing of its own (its children paint themselves): hidden,
    which WeasyPrint's border and outline drawing honour, with no background, and for a table
    no column backgrounds and no collapsed borders."""
    new = box.copy()  # an AbsolutePlaceholder copies itself and the box it stands for
    style = copy.copy(box.style)
    style["visibility"] = "hidden"
    if hasattr(new, "column_groups"):  # a table
        style["border_collapse"] = "separate"
        new.column_groups = ()
    new.style = style
    new.background = None
    return new


def with_page_box(page: Any, box: Box) -> Any:
    """A page like `page` painting `box`; its anchors, links and bookmarks stay those of `page`."""
    if box is page._page_box:
        return page
    new = copy.copy(page)
    new._page_box = box
    return new


def pruned(box: Box, drop: Callable[[Box], bool]) -> Box:
    """`box` without the descendants `drop` picks; copied only along the paths that change."""
    children = getattr(box, "children", None)
    if not children:
        return box
    kept, changed = [], False
    for child in children:
        if drop(child):
            changed = True
            continue
        new = pruned(child, drop)
        changed = changed or new is not child
        kept.append(new)
    if not changed:
        return box
    new_box = box.copy()  # an AbsolutePlaceholder copies itself and the box it stands for
    new_box.children = type(children)(kept) if isinstance(children, tuple) else kept
    return new_box


def field(page: Any, *names: str) -> Field | None:
    """The margin box of the first element on `page` that has every class in `names`."""
    wanted = frozenset(names)
    for box in descendants(page._page_box):
        if wanted <= classes(box) and hasattr(box, "margin_width"):
            return Field(box.position_x, box.position_y, box.margin_width(), box.margin_height())
    return None


def descendants(box: Box) -> Iterator[Box]:
    yield box
    for child in getattr(box, "children", None) or ():
        yield from descendants(child)
