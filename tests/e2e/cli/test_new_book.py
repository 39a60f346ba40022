"""`anthology new`: a book that builds as it is, EPUBCheck- and Ace-clean, with every kind of piece; a non-empty
folder is refused and left untouched."""

from __future__ import annotations

import zipfile

import pytest
import yaml

from book_helpers import Epub, pdf_pages_text, run_cli, snapshot
from anthology.book.schema import BOOK, PRINT


@pytest.fixture(scope="module")
def new_book(tmp_path_factory):
    """A new book made by `anthology new` and built once: (folder, new's run, build's run, out)."""
    folder = tmp_path_factory.mktemp("new") / "my-first-book"
    made = run_cli("new", folder, "--title", "Songs: “Quoted” & Plain", "--language", "de")
    out = folder / "build"
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder)
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        built = run_cli("build")  # from inside the folder, with the defaults, as the README says
    return folder, made, built, out


def test_new_writes_a_book_that_builds_from_inside_its_folder(new_book):
    folder, made, built, out = new_book
    assert made.code == 0, made.err
    assert built.code == 0, built.err
    assert built.err == ""  # no warnings either
    assert sorted(p.name for p in out.iterdir()) == ["songs-quoted-plain.epub", "songs-quoted-plain.pdf"]
    for name in ("book.yaml", "README.md", "Makefile", ".gitignore", "chapters/images/placeholder.png"):
        assert (folder / name).is_file(), name
        assert name in made.out


def test_the_new_book_is_epubcheck_clean(new_book):
    from anthology.epub.epubcheck import epubcheck

    _folder, _made, _built, out = new_book
    assert epubcheck(out / "songs-quoted-plain.epub") == []


def test_ace_finds_no_violation_in_the_new_book(new_book):
    from checkers import ace_violations, no_violations_message

    version, lines = ace_violations(new_book[3] / "songs-quoted-plain.epub")
    assert lines == [], no_violations_message(f"Ace by DAISY {version}", "the new book's EPUB", lines)


def test_the_manifest_documents_every_key_with_the_optional_ones_commented_out(new_book):
    folder = new_book[0]
    text = (folder / "book.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert data["title"] == "Songs: “Quoted” & Plain" and data["language"] == "de"
    assert set(data) == {"title", "language", "chapters"}  # the rest is there as comments
    for key in BOOK:
        if key not in data:
            assert f"\n# {key}:" in text, key
    for key in PRINT:
        assert f"\n#   {key}:" in text, key


def test_every_kind_of_piece_reaches_both_outputs(new_book):
    _folder, _made, _built, out = new_book
    epub = Epub(out / "songs-quoted-plain.epub")
    docs = {name: data.decode("utf-8") for name, data in epub.documents().items()}
    article = next(t for t in docs.values() if "An Article" in t and "footnote" in t)
    assert 'epub:type="footnote"' in article and "The footnote’s text." in article
    song = next(t for t in docs.values() if "A Song" in t and "stanza" in t)
    assert "stanza refrain" in song
    testimony = next(t for t in docs.values() if "A Testimony" in t and "<img" in t)
    assert 'alt="A grey placeholder picture with a simple mountain and sun drawn in white lines."' in testimony
    with zipfile.ZipFile(out / "songs-quoted-plain.epub") as z:
        assert any(n.endswith("placeholder.png") for n in z.namelist())
    pages = "\n".join(pdf_pages_text(out / "songs-quoted-plain.pdf"))
    for text in ("This is the introduction to the first chapter", "An Article", "A Song", "A Testimony",
                 "The footnote", "A caption under the figure."):
        assert text in pages, text


def test_the_makefile_has_book_zine_and_serve_and_the_readme_tells_how(new_book):
    folder = new_book[0]
    makefile = (folder / "Makefile").read_text(encoding="utf-8")
    for target in ("book:", "zine:", "serve:"):
        assert f"\n{target}\n" in makefile
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# Songs: “Quoted” & Plain\n")
    for words in ("## Add a piece", "make book", "make serve", "make zine", "anthology import"):
        assert words in readme


def test_a_non_empty_folder_is_refused_and_left_untouched(tmp_path):
    folder = tmp_path / "taken"
    folder.mkdir()
    (folder / "book.yaml").write_text("title: Mine\n", encoding="utf-8")
    before = snapshot(folder)
    run = run_cli("new", folder)
    assert run.code == 1
    assert str(folder) in run.err and "--force" in run.err
    assert snapshot(folder) == before
    forced = run_cli("new", folder, "--force", "--title", "Forced")
    assert forced.code == 0, forced.err
    assert yaml.safe_load((folder / "book.yaml").read_text(encoding="utf-8"))["title"] == "Forced"


def test_an_empty_existing_folder_is_used_and_the_title_comes_from_its_name(tmp_path):
    folder = tmp_path / "river-songs"
    folder.mkdir()
    run = run_cli("new", folder)
    assert run.code == 0, run.err
    assert yaml.safe_load((folder / "book.yaml").read_text(encoding="utf-8"))["title"] == "River Songs"


def test_a_bad_language_is_a_usage_error_and_writes_nothing(tmp_path):
    run = run_cli("new", tmp_path / "b", "--language", "not a tag")
    assert run.code == 2 and "BCP 47" in run.err
    assert not (tmp_path / "b").exists()
