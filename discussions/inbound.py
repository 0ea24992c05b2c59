"""Replies by e-mail: the SMTP server that takes a person's answer to a discussion e-mail into
its thread (`manage.py inbound_smtp` runs it, behind INBOUND_EMAIL_ENABLED).

- RCPT TO: only signed reply addresses (discussions.reply_address); anything else is refused at
  once with 550, before the message is sent.
- DATA: the text part (or the HTML one made text) without the quoted earlier message and the
  signature (`reply_text`) goes to `entry_post_by_email` for each reply address, as the person
  of the address, who must be the sender of the From header and still allowed to post. Files
  attached to the reply are not added (the e-mail says so): a thread's files go through the page,
  where the person sees what they attach.
- Answers: 250 when taken (or taken already: a repeated Message-ID posts nothing); 550 with the
  reason for an address, sender or person that may not post, an empty reply, a closed project;
  451 when the database cannot be reached, so that the sending server tries again later; 552 for
  a message over INBOUND_SMTP_MAX_BYTES (aiosmtpd's limit).
"""

from __future__ import annotations

import hashlib
import logging
import re
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses
from html.parser import HTMLParser
from typing import Any

from aiosmtpd.controller import Controller
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import DatabaseError, InterfaceError, connection
from django.utils import translation
from mailparser_reply import EmailMessage as ParsedReplies

from common.errors import ApplicationError, NotAllowed, NotFound
from discussions.reply_address import reply_address_parse
from discussions.services import entry_post_by_email

logger = logging.getLogger(__name__)

# The languages of the product, for the lines that introduce a quoted message.
REPLY_LANGUAGES = ["en", "zh"]

# --- The text of a reply ----------------------------------------------------------------------


class _HtmlText(HTMLParser):
    """The text of an HTML body: blocks and line breaks as new lines, a quoted message
    (blockquote) as one line ">", what is never shown (style, script, head) left out."""

    BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "hr"})
    HIDDEN = frozenset({"blockquote", "style", "script", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden_depth = 0

    def _break(self, count: int) -> None:
        """End the text so far with at least `count` line breaks (nested blocks add no more)."""
        text = "".join(self.parts).rstrip(" ")
        present = len(text) - len(text.rstrip("\n"))
        if text and present < count:
            self.parts.append("\n" * (count - present))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            if tag == "blockquote" and not self.hidden_depth:
                self._break(1)
                self.parts.append(">\n")  # a quote, read as one quoted line (strip_quoted)
            self.hidden_depth += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in self.BLOCKS:
            self._break(1)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden_depth = max(0, self.hidden_depth - 1)
        elif tag in self.BLOCKS:
            self._break(2 if tag == "p" else 1)

    def handle_data(self, data: str) -> None:
        if not self.hidden_depth:
            self.parts.append(re.sub(r"\s+", " ", data))

    def text(self) -> str:
        lines = [line.strip() for line in "".join(self.parts).splitlines()]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_text(html: str) -> str:
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    return parser.text()


def _is_quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


def strip_quoted(text: str) -> str:
    """The person's own words: mail-parser-reply drops the earlier message after the header
    that introduces it ("On … wrote:", a Chinese client's 发件人 block) and the signature;
    lines still quoted with ">" (a client whose header it does not know) go too, and the line
    that introduces them when the quote ends the message (an answer between quoted lines keeps
    its lines)."""
    parsed = ParsedReplies(text=text, languages=REPLY_LANGUAGES, keep_hyphen_lists=True).read()
    latest = parsed.replies[0].body if parsed.replies else ""
    lines = latest.splitlines()
    quoted = [index for index, line in enumerate(lines) if _is_quoted(line)]
    if quoted:
        own_after = any(line.strip() for line in lines[quoted[0] :] if not _is_quoted(line))
        before = [index for index in range(quoted[0]) if lines[index].strip()]
        if not own_after and before and lines[before[-1]].rstrip().endswith((":", "：")):
            del lines[before[-1]]  # "<someone> wrote:" above a quote that ends the message
        lines = [line for line in lines if not _is_quoted(line)]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def reply_text(message: EmailMessage) -> str:
    """The text of a reply: its plain-text part, else its HTML part made text, without quotes
    and signature; attachments are left out."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except LookupError:  # a charset Python does not know: read it as UTF-8
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if not isinstance(content, str):
        return ""
    if part.get_content_type() == "text/html":
        content = html_to_text(content)
    return strip_quoted(content)


# --- Taking a message in ----------------------------------------------------------------------

OK = "250 2.0.0 Reply posted"
TRY_LATER = "451 4.3.0 The discussion cannot be reached right now, try again later"
BAD_ADDRESS = "550 5.1.1 This is not a reply address of Rapport"


def _reply(code: str, message: str) -> str:
    """An SMTP reply line: ASCII on one line."""
    text = " ".join(message.split()).encode("ascii", "replace").decode("ascii")
    return f"{code} {text}"


def _refusal(error: ApplicationError) -> str:
    with translation.override("en"):
        message = str(error.message)
    if isinstance(error, NotFound):
        return _reply("550 5.1.1", message)
    if isinstance(error, NotAllowed):
        return _reply("550 5.7.1", message)
    return _reply("550 5.6.0", message)


def _message_id(message: EmailMessage, content: bytes) -> str:
    message_id = " ".join(str(message.get("Message-ID", "")).split())
    return message_id or f"<sha256-{hashlib.sha256(content).hexdigest()}@rapport>"


def _sender(message: EmailMessage) -> str:
    """The address of the From header: exactly one, or none."""
    addresses = [address for _name, address in getaddresses(message.get_all("From", []))]
    return addresses[0] if len(addresses) == 1 else ""


def deliver(content: bytes, recipients: list[str]) -> str:
    """Take one message for its reply addresses; the SMTP reply to DATA. A refusal of any
    address refuses the message (the others, if posted, are not posted again when it comes
    back: its Message-ID is kept)."""
    message = BytesParser(policy=policy.default).parsebytes(content)
    message_id, sender, body = _message_id(message, content), _sender(message), reply_text(message)
    refusals = []
    try:
        for recipient in recipients:
            try:
                entry_post_by_email(
                    recipient=recipient, sender=sender, message_id=message_id, body=body
                )
            except ApplicationError as error:
                refusals.append(_refusal(error))
                logger.info("reply e-mail %s to %s refused: %s", message_id, recipient, error)
    except (DatabaseError, InterfaceError):
        logger.exception("reply e-mail %s not taken: the database cannot be reached", message_id)
        return TRY_LATER
    finally:
        # A reply server takes few messages: each opens its own connection and closes it.
        connection.close()
    return refusals[0] if refusals else OK


class ReplyHandler:
    """The aiosmtpd handler of reply addresses."""

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if reply_address_parse(address) is None:
            return BAD_ADDRESS
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8", "surrogateescape")
        # The database work runs in a thread of its own: Django's ORM is synchronous.
        return await sync_to_async(deliver, thread_sensitive=False)(
            content, list(envelope.rcpt_tos)
        )


def reply_server(*, host: str, port: int) -> Controller:
    """The SMTP server of replies on host:port, not yet started (`.start()`, `.stop()`)."""
    return Controller(
        ReplyHandler(),
        hostname=host,
        port=port,
        data_size_limit=settings.INBOUND_SMTP_MAX_BYTES,
        ident="Rapport replies",
    )
