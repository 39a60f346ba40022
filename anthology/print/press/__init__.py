"""The press edition as PDF/X: colour through a CMYK profile, the PDF/X keys, the checks, the soft proof."""
