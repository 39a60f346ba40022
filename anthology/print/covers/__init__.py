"""Covers and press variants: the generated cover, the cover wrap, print-on-demand presets, grayscale."""
