"""django-allauth's account adapter with its e-mails (password reset, security notices) written
to the outbox like every other e-mail, in the recipient's language: an SMTP outage delays them
instead of failing the page, and a failed one stays visible for a staff admin to resend."""

from __future__ import annotations

import zoneinfo
from typing import Any

from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone, translation

from accounts.adapters import AccountAdapter as BaseAccountAdapter
from accounts.models import User
from notifications.services.outbox import outbox_enqueue_rendered

KIND_MAX_LENGTH = 40


def allauth_kind(template_prefix: str) -> str:
    """The outbox kind of one of allauth's e-mails: "account/email/password_reset_key" is
    "account:password_reset_key" (the product's own kinds have no colon)."""
    app, _, name = template_prefix.partition("/")
    return f"{app}:{name.rpartition('/')[2]}"[:KIND_MAX_LENGTH]


def carries_sign_in_secret(kind: str) -> bool:
    """Whether an outbox kind is one of allauth's e-mails, which may hold a password reset link
    or a sign-in code (its security notices hold none; they are treated alike)."""
    return ":" in kind


class AccountAdapter(BaseAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's e-mail, rendered by allauth (its templates and context, the subject prefix)
        in the language of the person it goes to (the visitor's, for an address with no
        account), written to the outbox. No dedupe key: every request (another reset link,
        another notice) is an e-mail of its own."""
        person = User.objects.filter(email__iexact=email).first()
        language = person.language if person else translation.get_language()
        time_zone = zoneinfo.ZoneInfo(person.time_zone if person else "UTC")
        request = allauth_context.request
        with translation.override(language or settings.LANGUAGE_CODE), timezone.override(time_zone):
            language = translation.get_language()
            message = self.render_mail(
                template_prefix,
                email,
                {"request": request, "email": email, "current_site": get_current_site(request)}
                | context,
            )
        alternatives = message.alternatives if isinstance(message, EmailMultiAlternatives) else []
        body_html = next((str(body) for body, kind in alternatives if kind == "text/html"), "")
        outbox_enqueue_rendered(
            kind=allauth_kind(template_prefix),
            to_email=email,
            to_user=person,
            language=language,
            subject=str(message.subject),
            body_text=str(message.body),
            body_html=body_html,
        )
