"""A book's own templates/ (templating.own_templates): the tool's folder (the sample book at the top
of the repository) is not a book's own, so its index part is still rendered alone on every edit."""

from __future__ import annotations

from anthology.resources import TOOL_ROOT
from anthology.templating import own_templates


def test_the_tool_folder_and_a_book_without_templates_have_none(tmp_path):
    assert own_templates(TOOL_ROOT) is None
    assert own_templates(tmp_path) is None
    (tmp_path / "templates").write_text("a file, not a folder", encoding="utf-8")
    assert own_templates(tmp_path) is None


def test_a_book_with_a_templates_folder_has_its_own(tmp_path):
    (tmp_path / "templates").mkdir()
    assert own_templates(tmp_path) == tmp_path / "templates"
