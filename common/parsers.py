"""The API's JSON parser. Apart from common.api, which imports rest_framework.views: that module
reads DEFAULT_PARSER_CLASSES, and so imports this one, as it loads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's, with JSON nested too deep for Python's parser a 400 like any malformed JSON
    (rather than a RecursionError, a 500)."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error - the JSON is nested too deeply.")) from None
