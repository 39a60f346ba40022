"""A layout's margin boxes (running heads, folios) made again with the page counter moved, for a
part of the book laid out alone (print/layout/parts.py): WeasyPrint makes them after the pages are
laid out, from the layout context, which is kept here. Assumptions margin-boxes and layout-context
(print/weasy/__init__.py)."""

from __future__ import annotations

import copy
from contextlib import contextmanager


def render_keeping_context(source, font_config, options: dict):
    """Lay out `source` (a weasyprint.HTML) as HTML.render() does; return the document and WeasyPrint's
    layout context, which renumber() needs."""
    import weasyprint

    kept = _kept_context_class()
    document = kept._render(source, font_config, None, None, {**weasyprint.DEFAULT_OPTIONS, **options})
    context, kept.last = kept.last, None
    return document, context


_KEPT: list = []


def _kept_context_class():
    """A weasyprint.Document whose _build_layout_context() keeps the context it makes (made once)."""
    if not _KEPT:
        import weasyprint

        class KeptContext(weasyprint.Document):
            last = None

            @classmethod
            def _build_layout_context(cls, *args, **kwargs):
                context = super()._build_layout_context(*args, **kwargs)
                KeptContext.last = context
                return context

        _KEPT.append(KeptContext)
    return _KEPT[0]


@contextmanager
def no_margin_boxes():
    """Pages laid out in this block get no margin boxes: renumber() makes them once the page numbers
    are known."""
    import weasyprint.layout

    original = weasyprint.layout.make_margin_boxes
    weasyprint.layout.make_margin_boxes = lambda context, page, state: []
    try:
        yield
    finally:
        weasyprint.layout.make_margin_boxes = original


def renumber(document, context, offset: int, first: int = 0) -> None:
    """Make the margin boxes of every page from index `first` on with the page counter moved by
    `offset` (pages before `first`, which are not written, get none: each page's margin boxes come
    from its own state, not from the pages before it)."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout.background import layout_box_backgrounds
    from weasyprint.layout.page import make_margin_boxes

    for number, page in enumerate(document.pages[first:], start=first + 1):
        box = page._page_box
        context.current_page = number
        state = copy.deepcopy(context.page_maker[number][3])
        counters = state[1]
        counters["page"] = [value + offset for value in counters.get("page", [number])]
        kept = [child for child in box.children if not isinstance(child, boxes.MarginBox)]
        margins = list(make_margin_boxes(context, box, state))
        for margin in margins:
            layout_box_backgrounds(box, margin, context.get_image_from_uri)
        box.children = tuple(kept + margins)
