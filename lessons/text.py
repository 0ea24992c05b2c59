"""The search text of a lesson, for PostgreSQL's "simple" full-text configuration.

The "simple" parser makes a whole run of Han (or kana, hangul) characters one token, so a
two-character query would never match inside a longer Chinese sentence. As the CJK analyzers of
search engines do, every run of CJK characters is written as its overlapping character bigrams
("需求变更频繁" → "需求 求变 变更 更频 频繁"; a single character stays itself). The document holds
the original text followed by the bigrams; the query goes through the same expansion, so
"变更" matches the bigram "变更" of the sentence. Latin text is left to the parser as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from projects.search import has_cjk

__all__ = ["bigrams", "has_cjk", "search_document", "search_query_text"]

_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+")


def bigrams(run: str) -> list[str]:
    """The overlapping character bigrams of a run of CJK characters; one character stays whole."""
    if len(run) < 2:
        return [run] if run else []
    return [run[index : index + 2] for index in range(len(run) - 1)]


def _expanded(text: str) -> str:
    return " ".join(" ".join(bigrams(run)) for run in _CJK_RUN.findall(text))


def search_document(texts: Iterable[str]) -> str:
    """The texts as they are, then the bigrams of their CJK runs."""
    original = "\n".join(text for text in texts if text)
    expanded = _expanded(original)
    return f"{original}\n{expanded}" if expanded else original


def search_query_text(text: str) -> str:
    """The query with its CJK runs replaced by their bigrams (each one a term of a "plain"
    query, so all of them must match), Latin words left as they are."""
    return _CJK_RUN.sub(lambda match: " " + " ".join(bigrams(match.group())) + " ", text).strip()
