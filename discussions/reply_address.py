"""The signed reply address of one person in one thread: `reply+<person>-<thread>-<signature>@`
REPLY_EMAIL_DOMAIN, where the ids are in base 36 and the signature is an HMAC of both ids keyed
from SECRET_KEY with a salt of its own (SECRET_KEY_FALLBACKS still verify after a key rotation),
120 bits in lowercase base 32. The local part stays within RFC 5321's 64 characters for any
ids (at most 6 + 13 + 1 + 13 + 1 + 24 = 58) and survives a relay that lowercases it.

Knowing an address proves nothing but that Rapport wrote it: whoever replies must still send from
the person's own address and be allowed to post (discussions.services.entry_post_by_email).
"""

from __future__ import annotations

import base64
import hmac
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.crypto import salted_hmac

SALT = "discussions.reply_address"
PREFIX = "reply+"
SIGNATURE_BYTES = 15
LOCAL_PART_MAX_LENGTH = 64
_LOCAL_PART = re.compile(r"^reply\+([0-9a-z]{1,13})-([0-9a-z]{1,13})-([a-z2-7]{24})$")
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class ReplyAddress:
    user_id: int
    thread_id: int


def reply_addresses_enabled() -> bool:
    """Whether e-mails carry reply addresses: INBOUND_EMAIL_ENABLED with a REPLY_EMAIL_DOMAIN."""
    return bool(settings.INBOUND_EMAIL_ENABLED and settings.REPLY_EMAIL_DOMAIN)


def _base36(number: int) -> str:
    digits = ""
    while True:
        number, digit = divmod(number, 36)
        digits = _DIGITS[digit] + digits
        if not number:
            return digits


def _signature(user_id: int, thread_id: int, secret: str) -> str:
    digest = salted_hmac(SALT, f"{user_id}.{thread_id}", secret=secret, algorithm="sha256")
    return base64.b32encode(digest.digest()[:SIGNATURE_BYTES]).decode("ascii").lower()


def reply_address_for(*, user_id: int, thread_id: int) -> str:
    """The address through which `user_id` answers in `thread_id`, or "" when replies by e-mail
    are off."""
    if not reply_addresses_enabled():
        return ""
    signature = _signature(user_id, thread_id, settings.SECRET_KEY)
    local_part = f"{PREFIX}{_base36(user_id)}-{_base36(thread_id)}-{signature}"
    return f"{local_part}@{settings.REPLY_EMAIL_DOMAIN}"


def reply_address_parse(address: str) -> ReplyAddress | None:
    """The person and thread of a reply address whose signature is right (compared in constant
    time, with SECRET_KEY and each of SECRET_KEY_FALLBACKS), or None for anything else: another
    domain, another shape, a forged or altered signature."""
    local_part, _at, domain = address.strip().strip("<>").rpartition("@")
    if domain.casefold() != str(settings.REPLY_EMAIL_DOMAIN).casefold() or not domain:
        return None
    match = _LOCAL_PART.match(local_part.lower())
    if match is None:
        return None
    user_id, thread_id = int(match[1], 36), int(match[2], 36)
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    valid = False
    for secret in secrets:
        # Every secret is tried, so that the time taken says nothing about which one matched.
        valid |= hmac.compare_digest(_signature(user_id, thread_id, secret), match[3])
    return ReplyAddress(user_id=user_id, thread_id=thread_id) if valid else None
