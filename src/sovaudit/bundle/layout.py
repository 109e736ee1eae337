"""File names of a bundle's signed manifest (one module that every bundle module can import)."""

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
