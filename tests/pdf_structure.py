"""Read a tagged PDF's structure tree (pypdf) with the text each element marks, for the tagged-PDF tests.

`structure(path)` walks the tree in its order (the order assistive technology reads) and returns one
`Node` per structure element: its tag, page, depth, /Alt, the text of the marked content it owns
directly, and where that text is drawn. Marked content is matched to structure elements through
the MCIDs of each page's content stream.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject


@dataclass
class Node:
    tag: str                      # "H1", "P", "Figure", "L", ...
    page: int | None              # 1-based
    depth: int
    alt: str | None
    text: str = ""                # text of the marked content this element owns directly
    children: list[Node] = field(default_factory=list)
    positions: list[tuple[float, float]] = field(default_factory=list)  # (x, y) of each owned run of text
    owned: list[tuple[int, int]] = field(default_factory=list)  # (page, MCID) of the marked content it owns

    def all_text(self) -> str:
        return self.text + "".join(child.all_text() for child in self.children)


@dataclass
class MarkedContent:
    text: str
    position: tuple[float, float] | None  # where its first text is drawn (PDF user space)
    order: int                            # its rank in the page's content stream


def _marked_contents(page) -> dict[int, MarkedContent]:
    """MCID -> the text of that marked-content sequence and where it is drawn."""
    stack: list[int | None] = []
    found: dict[int, MarkedContent] = {}

    def before(operator, operands, cm, tm):
        if operator in (b"BDC", b"BMC"):
            mcid = None
            if operator == b"BDC" and len(operands) > 1 and isinstance(operands[1], DictionaryObject):
                mcid = operands[1].get("/MCID")
            stack.append(None if mcid is None else int(mcid))
            if mcid is not None and int(mcid) not in found:
                found[int(mcid)] = MarkedContent("", None, len(found))
        elif operator == b"EMC" and stack:
            stack.pop()

    def text(value, cm, tm, font, size):
        mcid = next((m for m in reversed(stack) if m is not None), None)
        if mcid is None or not value:
            return
        content = found[mcid]
        if content.position is None and value.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            content.position = (x, y)
        content.text += value

    page.extract_text(visitor_operand_before=before, visitor_text=text)
    return found


class Structure:
    def __init__(self, path):
        self.reader = PdfReader(path)
        self.catalog = self.reader.trailer["/Root"]
        self._pages = {page.indirect_reference.idnum: n for n, page in enumerate(self.reader.pages, start=1)}
        self._content: dict[int, dict[int, MarkedContent]] = {}
        tree = self.catalog["/StructTreeRoot"].get_object()
        self.roots = [self._node(kid, 0, None) for kid in _kids(tree)]
        self.roots = [node for node in self.roots if node is not None]

    def content(self, page: int) -> dict[int, MarkedContent]:
        if page not in self._content:
            self._content[page] = _marked_contents(self.reader.pages[page - 1])
        return self._content[page]

    def _node(self, item, depth: int, page: int | None) -> Node | None:
        item = item.get_object() if hasattr(item, "get_object") else item
        if not isinstance(item, DictionaryObject) or "/S" not in item:
            return None
        if "/Pg" in item:
            page = self._pages.get(item.raw_get("/Pg").idnum, page)
        alt = item.get("/Alt")
        node = Node(str(item["/S"]).lstrip("/"), page, depth, None if alt is None else str(alt))
        for kid in _kids(item):
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, int) and page is not None:
                self._own(node, page, int(kid))
            elif isinstance(kid, DictionaryObject) and kid.get("/Type") == "/MCR":
                where = self._pages.get(kid.raw_get("/Pg").idnum, page) if "/Pg" in kid else page
                self._own(node, where, int(kid["/MCID"]))
            else:
                child = self._node(kid, depth + 1, page)
                if child is not None:
                    node.children.append(child)
        return node

    def _own(self, node: Node, page: int, mcid: int) -> None:
        content = self.content(page).get(mcid)
        if content is None:
            return
        node.text += content.text
        if content.position is not None:
            node.positions.append(content.position)
        node.owned.append((page, mcid))

    def walk(self):
        """Every node, in the tree's order (depth first)."""
        stack = list(reversed(self.roots))
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def reading_order(self, page: int) -> list[int]:
        """The MCIDs of one page in the order the tree reads them."""
        return [mcid for node in self.walk() for where, mcid in node.owned if where == page]


def _kids(item) -> list:
    kids = item.get("/K")
    if kids is None:
        return []
    kids = kids.get_object() if hasattr(kids, "get_object") else kids
    return list(kids) if isinstance(kids, ArrayObject) else [kids]
