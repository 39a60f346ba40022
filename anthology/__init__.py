"""anthology: build an EPUB 3, a print PDF and a zine from book.yaml and Markdown pieces."""

__version__ = "0.1.0"
