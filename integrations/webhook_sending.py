"""Sending one webhook: its signature, the check of its address, and the POST itself.

**Signature** (the Standard Webhooks scheme, which libraries in many languages verify): the
headers `webhook-id` (the event's id, the same on every retry), `webhook-timestamp` (Unix
seconds of this attempt) and `webhook-signature`, `v1,` followed by the Base64 HMAC-SHA256 of
`<id>.<timestamp>.<body>` under the endpoint's secret (`whsec_` + Base64 key). While a rotated
secret's overlap lasts, the header holds both signatures, separated by a space.

**Address check** (against server-side request forgery): the host must resolve, and every address
it resolves to must be public (not private, loopback, link-local, shared or reserved) unless
WEBHOOK_ALLOW_PRIVATE_ADDRESSES allows them. The check runs when an endpoint is saved and again
at each delivery, and the request goes to the very address that was checked (the name is kept
for TLS and the Host header), so a name that changes what it resolves to (DNS rebinding) cannot
reach an inner address. Redirects are not followed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import secrets
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.utils.translation import gettext as _

SECRET_PREFIX = "whsec_"  # noqa: S105  (the prefix of every secret)
USER_AGENT = "Rapport-Webhooks/1"
# What is kept of an endpoint's answer, for the delivery log.
ANSWER_EXCERPT_BYTES = 300


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def sign(*, secret: str, message_id: str, timestamp: int, body: str) -> str:
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.{body}".encode()
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def signature_header(*, secrets_: list[str], message_id: str, timestamp: int, body: str) -> str:
    return " ".join(
        sign(secret=secret, message_id=message_id, timestamp=timestamp, body=body)
        for secret in secrets_
    )


class AddressRefused(Exception):
    """The address may not be called; `message` says why, in the reader's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str  # the checked IP address the request goes to


def resolve(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to (a seam for the tests of DNS rebinding)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_address(url: str) -> Target:
    """The address `url` may be called at, or AddressRefused saying why not."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise AddressRefused(_("This is not a valid address.")) from error
    scheme = parts.scheme.lower()
    allowed = ("https", "http") if settings.WEBHOOK_ALLOW_HTTP else ("https",)
    if scheme not in allowed:
        raise AddressRefused(_("The address must start with https://."))
    if not parts.hostname:
        raise AddressRefused(_("The address needs a host name."))
    if parts.username or parts.password:
        raise AddressRefused(_("The address may not hold a user name or password."))
    port = port or (443 if scheme == "https" else 80)
    try:
        addresses = resolve(parts.hostname, port)
    except (OSError, UnicodeError) as error:
        raise AddressRefused(
            _("The host %(host)s cannot be found.") % {"host": parts.hostname}
        ) from error
    if not addresses:
        raise AddressRefused(_("The host %(host)s cannot be found.") % {"host": parts.hostname})
    if not settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        inner = [address for address in addresses if not _is_public(address)]
        if inner:
            raise AddressRefused(
                _(
                    "%(host)s resolves to %(address)s, a private or local address; webhooks "
                    "are sent to public addresses only."
                )
                % {"host": parts.hostname, "address": inner[0]}
            )
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(scheme, parts.hostname, port, path, addresses[0])


@dataclass(frozen=True)
class Answer:
    status: int | None  # the HTTP status, None when no answer came
    error: str  # empty when the endpoint accepted the delivery (2xx)

    @property
    def accepted(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def post(*, url: str, body: str, headers: dict[str, str]) -> Answer:
    """POST `body` to `url` once: the address checked now, no redirect followed, at most
    WEBHOOK_TIMEOUT_SECONDS to connect and as long again to read."""
    try:
        target = check_address(url)
    except AddressRefused as refused:
        return Answer(None, refused.message)
    timeout = urllib3.Timeout(
        connect=settings.WEBHOOK_TIMEOUT_SECONDS, read=settings.WEBHOOK_TIMEOUT_SECONDS
    )
    pool: urllib3.HTTPConnectionPool
    if target.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            target.address,
            target.port,
            timeout=timeout,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            server_hostname=target.host,
            assert_hostname=target.host,
        )
    else:
        pool = urllib3.HTTPConnectionPool(
            target.address, target.port, timeout=timeout, retries=False
        )
    default_port = 443 if target.scheme == "https" else 80
    host_header = target.host if target.port == default_port else f"{target.host}:{target.port}"
    try:
        with pool:
            response = pool.urlopen(
                "POST",
                target.path,
                body=body.encode(),
                headers={
                    **headers,
                    "Host": host_header,
                    "Content-Type": "application/json",
                    "User-Agent": USER_AGENT,
                },
                redirect=False,
                retries=False,
                preload_content=False,
            )
            excerpt = response.read(ANSWER_EXCERPT_BYTES, decode_content=False)
            response.release_conn()
    except urllib3.exceptions.HTTPError as error:
        return Answer(None, f"{error.__class__.__name__}: {error}"[:500])
    if 200 <= response.status < 300:
        return Answer(response.status, "")
    if 300 <= response.status < 400:
        return Answer(response.status, _("Redirects are not followed."))
    text = excerpt.decode("utf-8", "replace").strip()
    return Answer(
        response.status,
        (f"HTTP {response.status}: {text}" if text else f"HTTP {response.status}")[:500],
    )
