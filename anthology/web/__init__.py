"""The web edition: a static reading site with downloads, search and an OPDS feed, and its live preview."""
