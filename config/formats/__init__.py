"""The project's own date and time formats, one style per language (FORMAT_MODULE_PATH).

Django looks here first and falls back to its own locale formats for anything not set, so the
input formats (ISO "2026-11-22" among them) stay Django's."""
