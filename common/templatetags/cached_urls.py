"""`{% url %}` with its addresses kept: a built-in of the template engine (TEMPLATES' `builtins`),
so every template's `{% url %}` is this one, written as Django's writes it.

Django reverses an address anew at each `{% url %}`: 30 µs on this machine, and a page writes
fifty of them (the navigation, the project's tabs, a link per row). The address of a name with the
same arguments is the same until the URLconf or the script prefix changes, so it is kept, keyed
by both as well as by the name, the arguments and the current namespace. Only arguments that are
whole numbers or texts are kept (an object given as an argument is written by its `str()`, which
may change): anything else is reversed each time, as before."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.template.defaulttags import URLNode, url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()

_KEPT = 8192  # addresses kept at most (the least recently written go first)


@lru_cache(maxsize=_KEPT)
def _reversed(
    view_name: str,
    args: tuple[int | str, ...],
    kwargs: tuple[tuple[str, int | str], ...],
    current_app: str | None,
    urlconf: str,
    prefix: str,
) -> str:
    # urlconf and prefix are the key's: reverse() reads them itself, and they are what it reads.
    return reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)


def _plain(value: Any) -> bool:
    return type(value) in (int, str)


def reversed_address(
    view_name: str, args: list[Any], kwargs: dict[str, Any], current_app: str | None
) -> str:
    """reverse()'s address, kept for names whose arguments are all whole numbers or texts."""
    if (
        isinstance(view_name, str)
        and all(_plain(arg) for arg in args)
        and all(_plain(value) for value in kwargs.values())
        and (current_app is None or isinstance(current_app, str))
    ):
        urlconf = get_urlconf() or settings.ROOT_URLCONF
        return _reversed(
            view_name,
            tuple(args),
            tuple(sorted(kwargs.items())),
            current_app,
            str(urlconf),
            get_script_prefix(),
        )
    return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)


class KeptURLNode(URLNode):
    def render(self, context: template.Context) -> str:
        # Django's URLNode.render, with reversed_address for reverse.
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app  # type: ignore[attr-defined]
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace  # type: ignore[attr-defined]
            except AttributeError:
                current_app = None
        address = ""
        try:
            address = reversed_address(view_name, args, kwargs, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = address
            return ""
        if context.autoescape:
            address = conditional_escape(address)
        return address


@register.tag(name="url")
def kept_url(parser: template.base.Parser, token: template.base.Token) -> KeptURLNode:
    """Django's `{% url %}`, its addresses kept (see the module)."""
    node = url(parser, token)
    return KeptURLNode(node.view_name, node.args, node.kwargs, node.asvar)


def forget_addresses(*, setting: str = "ROOT_URLCONF", **_: Any) -> None:
    """Drop the kept addresses when the URLconf setting changes (tests that swap it)."""
    if setting == "ROOT_URLCONF":
        _reversed.cache_clear()


setting_changed.connect(forget_addresses, dispatch_uid="common.templatetags.cached_urls")
