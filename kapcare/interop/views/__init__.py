"""The interop pages: bulk exports (and, in their own modules, import, billing, reports)."""
