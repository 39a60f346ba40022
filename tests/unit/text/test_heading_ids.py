"""Heading ids inside a piece never take the id of the piece's own title (`ID-title`)."""

from lxml import etree

from anthology.text.markup import _heading_ids


def test_a_heading_named_title_does_not_take_the_piece_titles_id():
    root = etree.fromstring("<div><h2>Title</h2><h2>Title</h2><h3>Заголовок</h3></div>")
    _heading_ids(root, "letter")
    ids = [element.get("id") for element in root]
    assert "letter-title" not in ids  # templates/pieces/_piece.html gives that id to the piece's title
    assert len(set(ids)) == 3 and all(i.startswith("letter-") for i in ids)
