"""Plumbing every app shares and that knows no app: errors, database helpers, the API's
pagination and error handler, Markdown, PDF, CSV, form widgets and the page helpers."""
