"""The EPUB output: the writer, its reproducible zip, the page list, EPUBCheck."""
