"""What the package assumes of WeasyPrint's internals (print/weasy/__init__.py ASSUMPTIONS), checked
against the installed WeasyPrint: after an upgrade, a failure names the assumption it broke and
the modules that rely on it."""

from __future__ import annotations

import inspect
import io
import subprocess
import sys
import zlib

import pytest

from anthology.print import weasy
from anthology.print.weasy import libraries  # noqa: F401 (before weasyprint)

import weasyprint  # noqa: E402
from weasyprint.formatting_structure import boxes  # noqa: E402

HTML = """<!DOCTYPE html><html lang="ru"><head><style>
@page { size: A6; margin: 20mm 15mm; @bottom-center { content: counter(page) } }
h1 { break-before: right }
</style></head><body><section id="first"><h1>Жаңаөзен</h1><p>Нефтяники бастовали семь месяцев.</p></section>
<section id="second"><h1>Алматы</h1><p>Январь 2022 года.</p></section></body></html>"""


def broken(name: str, detail: str):
    what, where = weasy.ASSUMPTIONS[name]
    pytest.fail(f"WeasyPrint {weasyprint.__version__} broke the assumption {name!r} ({what}); "
                f"relied on by {where}: {detail}", pytrace=False)


def folios(document) -> list[str]:
    """The text of every page's margin boxes, page by page."""
    found = []
    for page in document.pages:
        texts = []
        for box in weasy.page_box(page).children:
            if isinstance(box, boxes.MarginBox):
                texts += [t.text for t in _texts(box)]
        found.append(" ".join(texts))
    return found


def _texts(box):
    if isinstance(box, boxes.TextBox):
        yield box
    for child in getattr(box, "children", []):
        yield from _texts(child)


def test_every_assumption_is_named_and_placed():
    assert set(weasy.ASSUMPTIONS) == {"margin-boxes", "layout-context", "page-box", "boxes", "html-from-tree",
                                      "png-data", "libraries"}
    for name, (what, where) in weasy.ASSUMPTIONS.items():
        assert what and where, name


def test_page_box():
    document = weasyprint.HTML(string=HTML).render()
    page = document.pages[0]
    if not hasattr(page, "_page_box"):
        broken("page-box", "Page has no _page_box")
    root = weasy.page_box(page)
    if not root.children or getattr(root.children[0], "element", None) is None:
        broken("page-box", "the page box's first child is not the document's root box")
    if root.children[0].element.tag != "html":
        broken("page-box", f"the first child is {root.children[0].element.tag!r}, not the html element's box")
    kind = getattr(root, "page_type", None)
    if kind is None or not hasattr(kind, "side") or not hasattr(kind, "blank"):
        broken("page-box", "the page box's page_type has no side or blank")
    if kind.side != "right" or kind.blank:
        broken("page-box", f"the first page is side={kind.side!r}, blank={kind.blank!r}")
    blanks = [weasy.page_box(p).page_type.blank for p in document.pages]
    if blanks != [False, True, False]:
        broken("page-box", f"break-before: right did not give a blank left page: {blanks}")


def test_boxes():
    for name in ("MarginBox", "FootnoteAreaBox", "TextBox"):
        if not hasattr(boxes, name):
            broken("boxes", f"weasyprint.formatting_structure.boxes.{name} is gone")
    document = weasyprint.HTML(string=HTML).render()
    texts = list(_texts(weasy.page_box(document.pages[0])))
    if not texts:
        broken("boxes", "no TextBox on the first page")
    for text in texts:
        for attribute in ("text", "element", "element_tag", "position_y"):
            if not hasattr(text, attribute):
                broken("boxes", f"a TextBox has no {attribute}")
        if not callable(getattr(text, "margin_height", None)):
            broken("boxes", "a box has no margin_height()")
    if "Жаңаөзен" not in " ".join(t.text for t in texts):
        broken("boxes", "the TextBoxes do not hold the page's text")


def test_margin_boxes():
    import weasyprint.layout
    import weasyprint.layout.page

    if weasyprint.layout.make_margin_boxes is not weasyprint.layout.page.make_margin_boxes:
        broken("margin-boxes", "weasyprint.layout.make_margin_boxes is not weasyprint.layout.page's")
    if list(inspect.signature(weasyprint.layout.page.make_margin_boxes).parameters) != ["context", "page", "state"]:
        broken("margin-boxes", f"its signature is {inspect.signature(weasyprint.layout.page.make_margin_boxes)}")
    from anthology.print.weasy.margins import no_margin_boxes

    with no_margin_boxes():
        bare = weasyprint.HTML(string=HTML).render()
    if any(folios(bare)):
        broken("margin-boxes", "replacing weasyprint.layout.make_margin_boxes did not stop the margin boxes "
                               "(it is no longer looked up at call time)")
    if folios(weasyprint.HTML(string=HTML).render()) != ["1", "2", "3"]:
        broken("margin-boxes", "the margin boxes are not made again once the replacement is undone")


def test_layout_context():
    from weasyprint.text.fonts import FontConfiguration

    from anthology.print.weasy.margins import no_margin_boxes, render_keeping_context, renumber

    for name in ("_render", "_build_layout_context"):
        if not hasattr(weasyprint.Document, name):
            broken("layout-context", f"Document.{name} is gone")
    parameters = list(inspect.signature(weasyprint.Document._build_layout_context).parameters)
    if parameters != ["html", "font_config", "counter_style", "color_profiles", "options"]:
        broken("layout-context", f"Document._build_layout_context takes {parameters}")
    with no_margin_boxes():
        document, context = render_keeping_context(weasyprint.HTML(string=HTML), FontConfiguration(), {})
    if context is None:
        broken("layout-context", "_render() did not call _build_layout_context() on the class it was called on")
    for attribute in ("page_maker", "current_page", "get_image_from_uri"):
        if not hasattr(context, attribute):
            broken("layout-context", f"the layout context has no {attribute}")
    try:
        counters = context.page_maker[1][3][1]
    except (IndexError, TypeError, KeyError) as exc:
        broken("layout-context", f"page_maker[1][3][1] is not the page's counters ({exc!r})")
    if counters.get("page") != [1]:
        broken("layout-context", f"the first page's counters are {counters!r}")
    renumber(document, context, 40)
    if folios(document) != ["41", "42", "43"]:
        broken("layout-context", f"the margin boxes made again read {folios(document)}, not 41, 42, 43")


def test_html_from_tree():
    from anthology.print.weasy import parsed

    if not callable(getattr(weasyprint, "_find_base_url", None)):
        broken("html-from-tree", "weasyprint._find_base_url is gone")
    fetcher = weasyprint.urls.URLFetcher() if hasattr(weasyprint.urls, "URLFetcher") else None
    source = parsed.document(HTML, "/tmp/", fetcher)
    if source is None:
        broken("html-from-tree", "the lxml tree was not accepted")
    ours = source.render()
    theirs = weasyprint.HTML(string=HTML, base_url="/tmp/", url_fetcher=fetcher).render()
    mine = [[t.text for t in _texts(weasy.page_box(p))] for p in ours.pages]
    expected = [[t.text for t in _texts(weasy.page_box(p))] for p in theirs.pages]
    if mine != expected:
        broken("html-from-tree", f"an HTML made from the tree lays out otherwise: {mine} != {expected}")


def test_png_data():
    from PIL import Image
    from weasyprint.images import RasterImage

    from anthology.print.weasy import pngdata

    pngdata.install()
    original = pngdata.ENCODE or RasterImage._get_png_data
    if not isinstance(inspect.getattr_static(RasterImage, "_get_png_data"), staticmethod):
        broken("png-data", "RasterImage._get_png_data is not a static method")
    image = Image.new("RGB", (3, 2), (200, 10, 10))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    rows = zlib.decompress(original(Image.open(io.BytesIO(buffer.getvalue()))))
    if len(rows) != 2 * (1 + 3 * 3):
        broken("png-data", f"_get_png_data gave {len(rows)} bytes of rows for a 3x2 RGB image, not 20")
    if pngdata.idat(buffer.getvalue(), "RGB") is None or zlib.decompress(pngdata.idat(buffer.getvalue(), "RGB")) != rows:
        broken("png-data", "the file's own rows differ from what WeasyPrint writes")


def test_libraries():
    """WeasyPrint imports with ctypes.util.find_library answering None (its versioned names opened)."""
    code = "import ctypes.util; ctypes.util.find_library = lambda name: None; import weasyprint; print('ok')"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if run.returncode != 0 or "ok" not in run.stdout:
        broken("libraries", run.stderr.strip().splitlines()[-1] if run.stderr.strip() else "the import failed")


def test_each_speed_up_can_be_switched_off(monkeypatch):
    from anthology import settings

    for name in weasy.SPEED_UPS:
        assert weasy.enabled(name)
        with settings.using(settings.Settings(weasy_off=frozenset({name}))):
            assert not weasy.enabled(name)
            assert all(weasy.enabled(other) for other in weasy.SPEED_UPS if other != name)
    with settings.using(settings.Settings(weasy_off=frozenset({"all"}))):
        assert not any(weasy.enabled(name) for name in weasy.SPEED_UPS)
        from anthology.print.weasy import parsed

        assert parsed.document(HTML, "/tmp/", None) is None  # left to WeasyPrint's own parser
    with pytest.raises(ValueError):
        weasy.enabled("no-such-speed-up")
