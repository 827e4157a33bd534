"""Facing pages for the parallel edition: lay out spreads, then cut them in two.

WeasyPrint cannot send a block to a given page of a spread, and two flows
(one per language) cannot be kept in step across pages. So the facing
layout lays each spread out as one page of twice the width, holding a pair
table whose left column is exactly the left page's text column and whose
right column is the right page's; a pair that does not fit breaks on both
sides at once, like in the side-by-side layout. Each double page is then cut
at the fold into a left-hand and a right-hand page: every laid-out box goes
to the half its centre is in, and the right half's boxes move left by half
the width. Text, links, bookmarks and footnotes stay what WeasyPrint made;
nothing is drawn twice.

This reaches into WeasyPrint's box tree (``Document.pages[i]._page_box``)
like :mod:`diglot.render.justify` does; ``tests/test_parallel.py`` checks the
result page by page.
"""

from __future__ import annotations

SPREAD = "spread"  # the @page name of double pages (templates/print-parallel.css)


def cut_spreads(document):
    """A new document with each ``spread`` page replaced by its left and right halves."""
    from weasyprint.document import Page

    pages = []
    for page in document.pages:
        box = page._page_box
        if getattr(box.page_type, "name", None) != SPREAD:
            pages.append(page)
            continue
        half = box.margin_width() / 2
        pages.append(Page(_half(box, 0, half)))
        pages.append(Page(_half(box, half, half)))
    return document.copy(pages)


def _half(page_box, start: float, width: float):
    """The part of ``page_box`` between ``start`` and ``start + width``, moved to x = 0."""
    fold = width  # the fold is at the middle of the double page
    keep_left = start == 0
    children = [part for child in page_box.children if (part := _part(child, fold, keep_left)) is not None]
    half = page_box.copy_with_children(children)
    half.width = page_box.width - width
    if not keep_left:
        for child in half.children:
            child.translate(-width, 0)
    return half


def _part(box, fold: float, left: bool):
    """What of ``box`` lies on the ``left`` (or right) of the fold: the box, a copy, or None.

    A box across the fold (the page's html and body, a pair table, its rows,
    the footnote area) is copied with only its children on that side; any
    other box goes whole to the side its centre is on. The right side only
    gets copies, since it is moved afterwards.
    """
    x = box.position_x
    across = x < fold < x + box.margin_width() and getattr(box, "children", None) is not None
    if across:
        children = [part for child in box.children if (part := _part(child, fold, left)) is not None]
        copy = box.copy_with_children(children)
        if not left:
            copy.bookmark_label = None  # the left half carries the pair's bookmark
        return copy
    centre = x + box.margin_width() / 2
    if (centre < fold) != left:
        return None
    return box if left else box.deepcopy()
