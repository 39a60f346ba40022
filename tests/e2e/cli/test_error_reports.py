"""What a build says when it fails: an internal error (a bug of the tool) is exit 3 with one line and no
traceback; an error in the book's own template names the template and its line, exit 1; neither leaves a
PDF behind."""

from __future__ import annotations

from pathlib import Path

from anthology.cli import main


def _book(tmp_path: Path, body: str) -> Path:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "piece.md").write_text("---\ntitle: Piece\n---\n" + body, encoding="utf-8")
    manifest = tmp_path / "book.yaml"
    manifest.write_text("title: Regression\nlanguage: en\n"
                        "chapters:\n  - title: One\n    pieces: [p/piece.md]\n", encoding="utf-8")
    return manifest


def _build(manifest: Path, *formats: str) -> int:
    return main(["build", str(manifest), "--out", str(manifest.parent / "out"), "--format", ",".join(formats)])


def test_an_internal_error_is_reported_without_a_traceback(tmp_path, monkeypatch, capsys):
    manifest = _book(tmp_path, "Text.\n")
    from anthology.print import pdf

    def broken(*args, **kwargs):
        raise RuntimeError("simulated layout failure")

    monkeypatch.setattr(pdf, "lay_out", broken)  # in the unit workers, then in the whole-book layout
    assert _build(manifest, "pdf") == 3
    err = capsys.readouterr().err
    assert "internal error" in err and "simulated layout failure" in err and "Traceback" not in err
    assert not (manifest.parent / "out" / "regression.pdf").exists()


def test_an_error_in_the_books_own_template_names_the_template_and_line(tmp_path, capsys):
    manifest = _book(tmp_path, "Text.\n")
    (tmp_path / "templates" / "pieces").mkdir(parents=True)
    (tmp_path / "templates" / "pieces" / "article.html").write_text(
        '{% extends "pieces/_piece.html" %}\n{% block body %}\n{{ no_such_value.x }}\n{% endblock %}\n',
        encoding="utf-8")
    assert _build(manifest, "epub", "pdf") == 1
    err = capsys.readouterr().err
    assert "templates/pieces/article.html:3: template error:" in err and "Traceback" not in err
    assert not (tmp_path / "out" / "regression.pdf").exists()
