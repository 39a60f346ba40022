"""Every touch of WeasyPrint's internals, in one place (WeasyPrint is pinned in pyproject.toml).

What the package assumes of WeasyPrint beyond its public API, each named in ASSUMPTIONS and checked
by tests/unit/print/test_weasy_contract.py (which names the assumption that a WeasyPrint upgrade
broke). The speed-ups among them can each be switched off (`ANTHOLOGY_WEASY_OFF=pngdata,parsed,…`,
settings.py), which gives the output WeasyPrint itself would make, only slower; the others are what
the layout in parts (print/layout/parts.py) and the checks of the layout stand on:
`ANTHOLOGY_UNITS=off` lays a book out without the first three.

`make test-newest-weasyprint` (scripts/newest_weasyprint.py) runs the whole suite, these contract
tests among it, against the newest WeasyPrint release before the pin is moved to it.
"""

from __future__ import annotations

# name -> (what is assumed, where the package relies on it)
ASSUMPTIONS = {
    "margin-boxes": ("weasyprint.layout.make_margin_boxes(context, page, state), looked up by "
                     "make_all_pages at call time, makes a page's margin boxes after its layout; "
                     "weasyprint.layout.page.make_margin_boxes is that function",
                     "print/weasy/margins.py (units laid out without folios, numbered later)"),
    "layout-context": ("Document._build_layout_context(html, font_config, counter_style, color_profiles, "
                       "options) is a classmethod returning the LayoutContext, whose page_maker[n][3] is "
                       "page n's state (its [1] the counters) and which has current_page and "
                       "get_image_from_uri; Document._render(html, font_config, counter_style, "
                       "color_profiles, options) lays out an HTML with it",
                       "print/weasy/margins.py (render_keeping_context, renumber)"),
    "page-box": ("Page._page_box is a page's root box: its children are the page's content (first) and "
                 "its margin and footnote-area boxes; its page_type has side and blank",
                 "print/layout/breaks.py, print/layout/parts.py, print/layout/index_pages.py, print/pdf.py "
                 "(overflowing_notes), print/covers/presets.py and wrap.py (what is printed where)"),
    "boxes": ("weasyprint.formatting_structure.boxes has MarginBox, FootnoteAreaBox, TextBox (text, "
              "element, element_tag), and boxes have position_y, margin_height(), children",
              "the same modules as page-box"),
    "html-from-tree": ("an HTML made by HTML.__new__ with base_url (from weasyprint._find_base_url), "
                       "url_fetcher, media_type, wrapper_element and etree_element is what HTML.__init__ "
                       "makes of a parsed tree", "print/weasy/parsed.py (switch: parsed)"),
    "png-data": ("RasterImage._get_png_data(pillow_image) is a static method returning the compressed "
                 "rows (IDAT data) WeasyPrint writes for a PNG", "print/weasy/pngdata.py (switch: pngdata)"),
    "libraries": ("WeasyPrint's cffi loader tries ctypes.util.find_library only for its bare library "
                  "names, then opens the versioned file names itself", "print/weasy/libraries.py "
                  "(switch: libraries)"),
}

SPEED_UPS = ("pngdata", "as-rgb", "parsed", "libraries")  # each can be switched off (settings.weasy_off)


def enabled(speed_up: str) -> bool:
    """Whether the speed-up is on (ANTHOLOGY_WEASY_OFF lists those turned off, or `all`)."""
    from anthology import settings

    if speed_up not in SPEED_UPS:
        raise ValueError(f"no WeasyPrint speed-up named {speed_up!r}")
    off = settings.current().weasy_off
    return speed_up not in off and "all" not in off


def page_box(page):
    """The root box of a laid-out page (assumption page-box)."""
    return page._page_box
