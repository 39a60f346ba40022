"""Front matter and the manifest parsed by libyaml when PyYAML has it (book/sources.py parse_yaml):
the same values and lines as PyYAML's own parser, and the same messages for what it refuses."""

from __future__ import annotations

import pytest
import yaml

from anthology.book import sources

FRONT = """title: "Письмо из Жанаозена"
authors: [Айгуль Нурланова, "Jan Kowalski"]
language: ru
date: 2021-12-16
source:
  url: https://example.org/a
  note: 'Перевод: «Люди и природа»'
tags:
  - нефть
  - забастовка
"""


def test_the_fast_parser_gives_the_values_and_lines_of_the_pure_one():
    fast = sources.parse_yaml(FRONT, first_line=2)
    pure = yaml.load(FRONT, Loader=sources._Loader)
    assert fast == pure
    assert fast.lines == pure.lines == {"title": 1, "authors": 2, "language": 3, "date": 4, "source": 5, "tags": 8}
    assert fast["authors"].lines == [2, 2] and fast["tags"].lines == [9, 10]
    assert fast["source"].line == 6


@pytest.mark.parametrize("text, message", [
    ("title: a\ntitle: b\n", "the key 'title' appears twice"),
    ('title: "Письмо \\ud83d"\n', "the character U+D83D"),
    ("title: [unclosed\n", "YAML:"),
    ("a: " + "[" * 40 + "]" * 40 + "\n", "values nested more than"),
])
def test_what_it_refuses_gets_the_messages_of_the_pure_parser(text, message):
    with pytest.raises(sources.SourceError) as caught:
        sources.parse_yaml(text, first_line=2)
    assert message in str(caught.value)
    assert caught.value.line is not None and caught.value.line >= 2
