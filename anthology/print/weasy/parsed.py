"""A unit's HTML given to WeasyPrint already parsed, by lxml (libxml2), instead of by tinyhtml5.

WeasyPrint parses its HTML with tinyhtml5, an HTML5 parser in pure Python: 0.17 s for the index of
a 400-page book, 0.02 s for each chapter. The units' HTML (print/layout/parts.py) is written by lxml from a
tree lxml parsed, so lxml reads it back as the very tree tinyhtml5 builds (the same elements, text,
tails and attributes, as the tests check), in a thirtieth of the time. It is handed over as
xml.etree elements, which is what tinyhtml5 gives WeasyPrint. A document with what the two could
read differently (inline SVG or MathML, whose elements tinyhtml5 puts in their namespaces,
comments, templates), or that XML cannot carry, is left to tinyhtml5.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

_LEFT_TO_TINYHTML5 = ("<svg", "<math", "<!--", "<template")


def tree(html: str):
    """The document's root as xml.etree elements, as tinyhtml5 would build it; None when it is one
    to leave to tinyhtml5."""
    from lxml import etree, html as lxml_html

    lowered = html.lower()
    if any(marker in lowered for marker in _LEFT_TO_TINYHTML5):
        return None
    try:
        root = lxml_html.document_fromstring(html)
        return ElementTree.fromstring(etree.tostring(root, encoding="unicode", method="xml"))
    except (etree.LxmlError, ElementTree.ParseError, ValueError):
        return None


def document(html: str, base_url: str, url_fetcher):
    """weasyprint.HTML for `html`, parsed by tree() (None when it cannot be)."""
    import cssselect2
    import weasyprint
    from weasyprint.urls import ensure_url

    from anthology.print import weasy

    root = tree(html) if weasy.enabled("parsed") else None
    if root is None:
        return None
    source = weasyprint.HTML.__new__(weasyprint.HTML)  # what HTML.__init__ sets, from this tree
    source.base_url = weasyprint._find_base_url(root, ensure_url(base_url))
    source.url_fetcher = url_fetcher
    source.media_type = "print"
    source.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
    source.etree_element = source.wrapper_element.etree_element
    return source
