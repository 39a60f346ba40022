"""The print outputs: the PDF through WeasyPrint, the generated cover, the zine and mini-zine."""
