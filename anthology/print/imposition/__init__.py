"""Imposition: the zine and the mini-zine, and the zine's covers."""
