"""Text processing: Markdown -> safe XHTML fragments, notes, index marks."""
