"""Reply addresses: signed per person and thread, on discussion e-mails only when replies by
e-mail are on, never on an internal note's; the Reply-To header reaches a real SMTP server; the
reply server does not start while replies by e-mail are off."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from discussions.models import Entry
from discussions.reply_address import (
    LOCAL_PART_MAX_LENGTH,
    ReplyAddress,
    reply_address_for,
    reply_address_parse,
)
from discussions.services import entry_post
from notifications import mail
from notifications.models import OutboxMessage
from notifications.services.outbox import outbox_send

pytestmark = pytest.mark.django_db

REPLY_LINE = "Reply to this e-mail to answer in the thread"


@pytest.fixture
def replies_on(settings):
    settings.INBOUND_EMAIL_ENABLED = True
    settings.REPLY_EMAIL_DOMAIN = "reply.rapport.test"
    return settings


def test_an_address_names_its_person_and_thread_and_fits_in_a_local_part(replies_on):
    largest = 2**63 - 1  # the largest id PostgreSQL's bigint holds
    address = reply_address_for(user_id=largest, thread_id=largest)

    local_part, domain = address.split("@")
    assert domain == "reply.rapport.test"
    assert local_part.startswith("reply+")
    assert len(local_part) <= LOCAL_PART_MAX_LENGTH
    assert reply_address_parse(address) == ReplyAddress(user_id=largest, thread_id=largest)
    small = reply_address_for(user_id=7, thread_id=12)
    assert reply_address_parse(small.upper()) == ReplyAddress(user_id=7, thread_id=12)
    assert reply_address_parse(f"Rory <{small}>") is None  # a bare address only
    assert reply_address_parse(f"<{small}>") == ReplyAddress(user_id=7, thread_id=12)


def test_a_forged_or_altered_address_is_not_recognised(replies_on):
    address = reply_address_for(user_id=7, thread_id=12)
    local_part, domain = address.split("@")
    signature = local_part.rsplit("-", 1)[1]
    other = reply_address_for(user_id=8, thread_id=12)

    # The signature of another person's address does not open this thread for someone else.
    assert reply_address_parse(f"reply+7-c-{other.split('-')[-1]}") is None
    assert reply_address_parse(f"reply+8-c-{signature}@{domain}") is None
    flipped = ("a" if signature[0] != "a" else "b") + signature[1:]
    assert reply_address_parse(f"reply+7-c-{flipped}@{domain}") is None
    assert reply_address_parse(f"{local_part}@elsewhere.test") is None
    assert reply_address_parse("someone@reply.rapport.test") is None
    assert reply_address_parse("") is None


def test_a_rotated_secret_key_still_verifies_the_addresses_already_sent(replies_on):
    address = reply_address_for(user_id=7, thread_id=12)
    replies_on.SECRET_KEY_FALLBACKS = [replies_on.SECRET_KEY]
    replies_on.SECRET_KEY = "a-new-secret-key-for-the-test-000000000000000000000000000000"

    assert reply_address_parse(address) == ReplyAddress(user_id=7, thread_id=12)
    assert reply_address_for(user_id=7, thread_id=12) != address


def test_no_reply_address_while_replies_by_email_are_off(settings, cast, deliverable):
    settings.INBOUND_EMAIL_ENABLED = False
    settings.REPLY_EMAIL_DOMAIN = "reply.rapport.test"
    assert reply_address_for(user_id=7, thread_id=12) == ""

    entry_post(actor=cast.rep, target=deliverable, body="When is it ready?")

    message = OutboxMessage.objects.get(to_user=cast.pm)
    assert message.reply_to == ""
    assert REPLY_LINE not in message.body_text
    assert REPLY_LINE not in message.body_html
    assert "When is it ready?" in message.body_html


def test_a_reply_e_mails_each_person_their_own_reply_address(replies_on, cast, deliverable):
    entry = entry_post(
        actor=cast.rep, target=deliverable, body=f"cc @{cast.client_admin.display_name}"
    )

    messages = OutboxMessage.objects.filter(to_user__in=[cast.pm, cast.client_admin])
    assert messages.count() == 2
    for message in messages:
        assert reply_address_parse(message.reply_to) == ReplyAddress(
            user_id=message.to_user_id, thread_id=entry.thread_id
        )
        assert REPLY_LINE in message.body_text
        assert REPLY_LINE in message.body_html


def test_an_internal_note_is_e_mailed_without_a_reply_address(replies_on, cast, deliverable):
    entry_post(
        actor=cast.pm,
        target=deliverable,
        body=f"Margin is thin, @{cast.am.display_name}",
        kind=Entry.Kind.INTERNAL_NOTE,
    )

    message = OutboxMessage.objects.get(to_user=cast.am)
    assert message.reply_to == ""
    assert REPLY_LINE not in message.body_text
    assert REPLY_LINE not in message.body_html
    assert not OutboxMessage.objects.filter(to_user__in=[cast.rep, cast.client_admin]).exists()


def test_the_reply_to_header_reaches_the_smtp_server(replies_on, cast, deliverable, smtp_server):
    mail.drop_connection()
    entry_post(actor=cast.rep, target=deliverable, body="When is it ready?")
    message = OutboxMessage.objects.get(to_user=cast.pm)

    outbox_send(message_id=message.pk)
    mail.drop_connection()

    [received] = smtp_server.received
    assert received["Reply-To"] == message.reply_to
    assert received["To"] == cast.pm.email
    assert REPLY_LINE in received.get_body(preferencelist=("plain",)).get_content()
    assert REPLY_LINE in received.get_body(preferencelist=("html",)).get_content()


@pytest.mark.parametrize(("enabled", "domain"), [(False, "reply.rapport.test"), (True, "")])
def test_the_reply_server_does_not_start_while_replies_by_email_are_off(settings, enabled, domain):
    settings.INBOUND_EMAIL_ENABLED = enabled
    settings.REPLY_EMAIL_DOMAIN = domain

    with pytest.raises(CommandError, match="Replies by e-mail are off"):
        call_command("inbound_smtp")
