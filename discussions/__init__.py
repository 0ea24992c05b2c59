"""Discussions: a thread of replies and internal notes, with @mentions and files, on any item
that an app registers as discussable (discussions.registry)."""
