"""Allow-list sanitizer: raw HTML in Markdown can never inject scripts, handlers or remote content."""

from __future__ import annotations

import re

ALLOWED = {
    "p", "br", "hr", "em", "strong", "i", "b", "u", "s", "del", "ins", "small", "sub", "sup",
    "a", "span", "abbr", "cite", "q", "code", "pre", "kbd", "samp", "var", "mark",
    "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "div", "figure", "figcaption", "img",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tfoot", "tr", "th", "td",
    "caption", "col", "colgroup",
}
# Elements removed together with their content.
DROPPED = {"script", "style", "iframe", "object", "embed", "applet", "form", "input", "button",
           "select", "textarea", "link", "meta", "base", "frame", "frameset", "svg", "math",
           "audio", "video", "source", "track", "canvas", "template", "noscript", "title", "head"}
ATTRIBUTES = {"id", "class", "lang", "title", "dir", "href", "src", "alt", "colspan", "rowspan",
              "start", "reversed", "value", "cite", "datetime", "role", "aria-label"}
SAFE_URL = re.compile(r"^(https?:|mailto:|#|[^:]*$)", re.I)


def sanitize(root) -> list[str]:
    """Clean an lxml tree in place: unknown elements unwrapped, dangerous ones removed.

    Returns the image sources it took away (remote or file: URLs), so they can be reported."""
    refused: list[str] = []
    for element in list(root.iter()):
        if element is root:
            continue
        tag = element.tag if isinstance(element.tag, str) else None
        if tag is None or tag.lower() in DROPPED:  # comments, processing instructions, scripts
            remove_element(element)
        elif tag.lower() not in ALLOWED:
            element.drop_tag()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name in list(element.attrib):
            value = element.attrib[name]
            if name.lower() not in ATTRIBUTES:
                del element.attrib[name]
            elif name in ("href", "src", "cite") and not SAFE_URL.match(re.sub(r"\s", "", value)):
                del element.attrib[name]
                if name == "src":
                    refused.append(value)
            elif name == "src" and re.match(r"^(https?:)?//", value, re.I):
                del element.attrib[name]  # no remote resources in either output
                refused.append(value)
    return refused


def remove_element(element) -> None:
    """Remove an element but keep its tail text in place."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail or ""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)
