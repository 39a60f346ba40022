"""The EPUB's page-break markers (epub/writer.py insert_page_breaks): each lands before the word at
its count of non-space characters, notes and note calls not counted, several in one section in page
order, in Russian text as in any."""

from __future__ import annotations

from lxml import etree

from anthology.epub.writer import OPS, XHTML, insert_page_breaks

DOC = f"""<html xmlns="{XHTML}" xmlns:epub="{OPS}"><body>
<section id="s"><p>Степь <em>широка</em> и тиха<a class="noteref" epub:type="noteref">1</a> ночью.</p>
<aside epub:type="footnote"><p>Примечание не считается.</p></aside><p>Утром пришли люди.</p></section>
<section id="t"><p>Коротко.</p></section></body></html>"""


def _text(element) -> str:
    """The text in reading order, notes left out, each marker as |label|."""
    if element.get("class") == "pagebreak":
        out = f"|{element.get('aria-label')}|"
    elif element.tag.endswith("aside"):
        out = ""
    else:
        out = (element.text or "") + "".join(_text(child) for child in element)
    return out + (element.tail or "")


def _marked(breaks) -> str:
    root = etree.fromstring(DOC)
    insert_page_breaks(root, breaks)
    return "".join(_text(section) for section in root.iter(f"{{{XHTML}}}section")).replace("\n", "")


def test_markers_land_before_their_word_and_skip_notes():
    # "Степь"=5, "широка"=6 (11), "и"=1 (12), "тиха"=4 (16), the call "1" skipped, "ночью."=6 (22)
    assert _marked([("s", 5, "2"), ("s", 16, "3")]) == "Степь |2|широка и тиха1 |3|ночью.Утром пришли люди.Коротко."
    assert _marked([("s", 22, "4")]) == "Степь широка и тиха1 ночью.|4|Утром пришли люди.Коротко."


def test_markers_at_one_place_keep_page_order_and_past_the_end_go_last():
    assert _marked([("s", 11, "7"), ("s", 11, "8")]) == "Степь широка |7||8|и тиха1 ночью.Утром пришли люди.Коротко."
    out = _marked([("s", 0, "1"), ("t", 0, "2"), ("t", 500, "3"), ("missing", 3, "x")])
    assert out == "|1|Степь широка и тиха1 ночью.Утром пришли люди.|2|Коротко.|3|"


def test_markers_given_out_of_order_land_where_each_belongs():
    together = _marked([("s", 16, "b"), ("s", 5, "a"), ("s", 16, "c")])
    assert together == "Степь |a|широка и тиха1 |b||c|ночью.Утром пришли люди.Коротко."
    root = etree.fromstring(DOC)  # the same as placing them one at a time
    for one in [("s", 16, "b"), ("s", 5, "a"), ("s", 16, "c")]:
        insert_page_breaks(root, [one])
    assert "".join(_text(s) for s in root.iter(f"{{{XHTML}}}section")).replace("\n", "") == together
