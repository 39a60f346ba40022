"""A saved web page's main text: readability-lxml finds the article, so that navigation, sidebars,
banners, cookie notices and "[edit]" links stay out of the piece. Only pages that look like a web site's
(navigation, banners, search forms) are cut; a letter saved as HTML is read whole, and so is any page
with --whole-page."""

from __future__ import annotations

import re

from lxml import html as lxml_html

_SITE = ("//nav | //form | //*[@role='navigation' or @role='banner' or @role='contentinfo' or @role='search']"
         " | //*[contains(@class, 'cookie') or contains(@id, 'cookie') or contains(@class, 'consent')]")
_EDIT = re.compile(r"^\[?\s*(edit|edit source|modifier|bearbeiten|править)\s*\]?$", re.I)


def is_web_page(document) -> bool:
    """The page has a web site's furniture around its text (and no book semantics of its own)."""
    if any(name == "epub:type" or name.endswith("}type") for el in document.iter() if isinstance(el.tag, str)
           for name in el.attrib):
        return False
    return bool(document.xpath(_SITE))


def main_text(document) -> tuple[lxml_html.HtmlElement, int, int]:
    """The body holding the page's main text, with the number of words kept and in the page's body."""
    from readability import Document

    page = document.find("body")
    total = _words(page if page is not None else document)
    # the furniture readability would weigh as text (or whose links would make it drop a heading) goes first
    for element in document.xpath(_SITE + " | //footer[not(ancestor::article)] | //*[@aria-hidden='true']"):
        if element.getparent() is not None and element.find(".//h1") is None and element.tag != "body":
            element.drop_tree()
    for heading in document.xpath("//h1|//h2|//h3|//h4|//h5|//h6"):
        for element in heading.xpath(".//*[contains(@class, 'editsection')] | .//a"):
            if element.getparent() is not None and (
                    "editsection" in (element.get("class") or "") or _EDIT.match("".join(element.itertext()).strip())):
                element.drop_tree()
    summary = Document(lxml_html.tostring(document, encoding="unicode")).summary(html_partial=True)
    body = lxml_html.fragment_fromstring(summary, create_parent="div")
    return body, _words(body), total


def _words(element) -> int:
    return len(" ".join(element.itertext()).split())


def page_title(title: str | None, document) -> str | None:
    """A page's <title> often adds the site's name ("Mozilla - Wikipedia"): its first <h1> is the title
    when the <title> begins with it."""
    first = document.find(".//h1")
    name = " ".join("".join(first.itertext()).split()) if first is not None else ""
    if title and name and re.match(rf"^{re.escape(name)}\s+[-|–—:·•]+\s+\S", title):
        return name
    return title
