"""Every touch of WeasyPrint beyond its public API: fast library loading, PNG pass-through."""
