"""The API covers what the pages do: every service a staff or portal view calls is reachable from
an API operation too (directly or through another service), so whatever a person can do in the
browser an integration can do with a token, with the same rules.

A service is a public function of an app's `services` module or package. The views are the
modules named `views*` (or in a `views` package), the API the modules in an `api` package. The few
services only pages call are listed below with the reason; the list may only shrink."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Services that belong to the browser alone, and why.
PAGE_ONLY = {
    # Links in e-mails, followed by a person who has no credentials yet or needs none.
    "invitation_accept": "accepting a project invitation from its e-mailed link",
    "invitation_from_token": "reading the invitation an e-mailed link names",
    "invitation_record_open": "a survey invitation's link opened",
    "invitation_unsubscribe": "unsubscribing from surveys by an e-mailed link",
    # The browser's own state.
    "view_as_start": "a staff person previewing the portal as a client, in their session",
    "view_as_stop": "leaving that preview",
    "project_visit_record": "the portal remembers what a person has seen since their last visit",
    # The single token of the account page; API callers manage personal access tokens instead.
    "api_token_regenerate": "the account page's single token (the API has /me/tokens/)",
    "api_token_revoke": "the account page's single token (the API has /me/tokens/)",
    # Helpers that build what a page shows, not actions.
    "with_answer_by": "the portal's answer-by dates on a page",
    "copy_source_choices": "the choices of a form's drop-down",
    "calendar_feed_owner": "the person an iCalendar feed's secret address names (the feed is "
    "itself the integration)",
}


def _apps() -> list[Path]:
    return sorted(path.parent for path in ROOT.glob("*/apps.py"))


def _names(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[-1])
    return names


def _services() -> tuple[dict[str, str], dict[str, set[str]]]:
    """Public services with their module, and the names each function of a services module uses."""
    public: dict[str, str] = {}
    uses: dict[str, set[str]] = defaultdict(set)
    for app in _apps():
        for path in [*app.glob("services/*.py"), *app.glob("services.py")]:
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            for node in ast.parse(path.read_text()).body:
                if isinstance(node, ast.FunctionDef):
                    if not node.name.startswith("_"):
                        public.setdefault(node.name, module)
                    uses[node.name] |= _names(node)
    return public, uses


def _kind(path: Path) -> str | None:
    parts = path.relative_to(ROOT).parts
    if "migrations" in parts or "services" in parts or path.name == "services.py":
        return None
    if "api" in parts[:-1]:
        return "api"
    if path.name.startswith("views") or "views" in parts[:-1]:
        return "views"
    return None


def _gaps() -> tuple[dict[str, list[str]], int, set[str]]:
    public, uses = _services()
    called_by_views: dict[str, set[str]] = defaultdict(set)
    reachable: set[str] = set()
    for app in _apps():
        for path in app.rglob("*.py"):
            kind = _kind(path)
            if kind is None:
                continue
            names = _names(ast.parse(path.read_text()))
            if kind == "api":
                reachable |= names & uses.keys()
            else:
                for name in names & public.keys():
                    called_by_views[name].add(str(path.relative_to(ROOT)))
    frontier = list(reachable)
    while frontier:
        for name in uses.get(frontier.pop(), set()) & uses.keys():
            if name not in reachable:
                reachable.add(name)
                frontier.append(name)
    gaps = {
        f"{public[name]}.{name}": sorted(views)
        for name, views in called_by_views.items()
        if name not in reachable and name not in PAGE_ONLY
    }
    return gaps, len(called_by_views), reachable


def test_every_service_a_page_calls_has_an_api_operation():
    gaps, services, _reachable = _gaps()
    assert services > 100
    assert gaps == {}, "\n".join(f"{name} (called by {', '.join(v)})" for name, v in gaps.items())


def test_the_page_only_list_names_real_services_that_no_api_reaches():
    public, _uses = _services()
    *_counts, reachable = _gaps()
    assert set(PAGE_ONLY) <= set(public)
    assert set(PAGE_ONLY) & reachable == set()
