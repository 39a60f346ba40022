"""WeasyPrint imported quickly: its system libraries opened by their file names.

WeasyPrint tries several names for each library (Pango, HarfBuzz, fontconfig …); for the bare ones
cffi asks `ctypes.util.find_library`, which runs `ldconfig` and the C compiler, about 0.2 s in all,
before it reaches the names it can open at once (`libpango-1.0.so.0`). While WeasyPrint is first
imported, find_library answers None, so the direct names are used; the same libraries are found
(the dynamic loader's own search), only sooner. Import this module before `weasyprint`.
"""

import ctypes.util
import sys

from anthology.print import weasy

if "weasyprint" not in sys.modules and weasy.enabled("libraries"):
    _original = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        import weasyprint  # noqa: F401
    except OSError:  # a system where only find_library locates them: the usual way
        ctypes.util.find_library = _original
        for name in [n for n in sys.modules if n == "weasyprint" or n.startswith("weasyprint.")]:
            del sys.modules[name]
        import weasyprint  # noqa: F401
    finally:
        ctypes.util.find_library = _original
