"""Replies by e-mail, end to end: the reply server (aiosmtpd, discussions.inbound) on a free
port, a real SMTP client (smtplib) sending to the Reply-To address of a real notification, and
the thread in PostgreSQL. The server works in threads of its own, so the data is committed
(transactional tests)."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.db import OperationalError

from discussions import inbound
from discussions.models import EmailReply, Entry
from discussions.reply_address import reply_address_for
from discussions.services import entry_post
from notifications.models import OutboxMessage
from projects.closure import closed_project_writes_allowed
from projects.models import Membership, Phase
from projects.services.memberships import membership_remove
from tests.notifications.conftest import free_port

pytestmark = pytest.mark.django_db(transaction=True)

QUESTION = "The runbook is ready for review."
QUOTED = (
    "Looks good to me, thanks.\n"
    "\n"
    "On Mon, 1 Mar 2027 at 10:00, Rapport <rapport@localhost> wrote:\n"
    f"> {QUESTION}\n"
    "> Paula\n"
)


@dataclass(frozen=True)
class Answer:
    code: int
    text: str


@pytest.fixture
def reply_server(settings):
    settings.INBOUND_EMAIL_ENABLED = True
    settings.REPLY_EMAIL_DOMAIN = "reply.rapport.test"
    server = inbound.reply_server(host="127.0.0.1", port=free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def question(cast, deliverable, reply_server):
    """The PM asks the rep on the deliverable: the rep's e-mail carries their reply address."""
    return entry_post(
        actor=cast.pm, target=deliverable, body=f"{QUESTION} @{cast.rep.display_name}"
    )


def reply_to_of(person, entry) -> str:
    return OutboxMessage.objects.get(
        to_user=person, dedupe_key__endswith=f":{entry.pk}:{person.pk}"
    ).reply_to


def send(
    server,
    *,
    sender: str,
    to: str,
    text: str | None = QUOTED,
    html: str | None = None,
    message_id: str | None = None,
) -> Answer:
    """Send one reply (its text, or else its HTML) over SMTP; the server's answer to RCPT TO
    (if it refused) or to DATA."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = "Re: Paula PM mentioned you on Runbook"
    message["Message-ID"] = message_id or make_msgid(domain="mail.a.test")
    if html is None:
        message.set_content(text)
    else:  # an HTML-only message, as some clients send
        message.set_content(html, subtype="html")
    with smtplib.SMTP(server.hostname, server.port, timeout=30) as client:
        try:
            client.sendmail(sender, [to], message.as_bytes())
        except smtplib.SMTPRecipientsRefused as refused:
            code, reason = refused.recipients[to]
            return Answer(code, reason.decode())
        except smtplib.SMTPDataError as refused:
            return Answer(refused.smtp_code, refused.smtp_error.decode())
        except smtplib.SMTPSenderRefused as refused:
            return Answer(refused.smtp_code, refused.smtp_error.decode())
    return Answer(250, "")


def replies_by_email() -> list[Entry]:
    return list(Entry.objects.filter(email_reply__isnull=False).select_related("author"))


def test_an_e_mailed_reply_lands_in_the_thread(cast, question, reply_server):
    address = reply_to_of(cast.rep, question)
    OutboxMessage.objects.all().delete()

    answer = send(reply_server, sender=cast.rep.email.upper(), to=address)

    assert answer.code == 250
    [entry] = replies_by_email()
    assert entry.thread_id == question.thread_id
    assert entry.author == cast.rep
    assert entry.body == "Looks good to me, thanks."
    assert entry.kind == Entry.Kind.REPLY
    assert not entry.is_internal
    # The same notifications as a reply on the page: the PM asked, the owner follows the item.
    told = set(OutboxMessage.objects.values_list("to_user", flat=True))
    assert told == {cast.pm.pk, cast.teammate.pk}
    # The PM's e-mail about it carries the PM's own reply address.
    assert OutboxMessage.objects.get(to_user=cast.pm).reply_to == reply_address_for(
        user_id=cast.pm.pk, thread_id=entry.thread_id
    )


def test_an_html_only_reply_is_taken_as_text_without_the_quote(cast, question, reply_server):
    html = "\n".join(
        [
            "<html><head><style>p {color: red}</style></head><body>",
            "<div>Fine by us.</div><div>Two <b>small</b> points:<br>one, two</div>",
            '<div class="gmail_quote">Rapport &lt;rapport@localhost&gt; 于2027年3月1日 10:00写道：',
            f"<blockquote>{QUESTION}</blockquote></div></body></html>",
        ]
    )

    answer = send(
        reply_server, sender=cast.rep.email, to=reply_to_of(cast.rep, question), html=html
    )

    assert answer.code == 250
    assert [entry.body for entry in replies_by_email()] == [
        "Fine by us.\nTwo small points:\none, two"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Yes.\n\nOn Mon, 1 Mar 2027, Paula <pm@provider.test> wrote:\n> Ready?\n", "Yes."),
        ("好的，谢谢。\n\n在 2027年3月1日 10:00，Rapport 写道：\n> 准备好了吗？\n", "好的，谢谢。"),
        ("Agreed:\n- first\n- second\n\n-- \nRory Rep\nClient A\n", "Agreed:\n- first\n- second"),
        ("Inline:\n> Ready?\nYes.\n", "Inline:\nYes."),
    ],
)
def test_reply_text_keeps_the_persons_own_words(text, expected):
    message = EmailMessage()
    message.set_content(text)
    assert inbound.reply_text(message) == expected


def test_a_provider_persons_reply_by_email_is_never_an_internal_note(cast, question, reply_server):
    rep_reply = entry_post(actor=cast.rep, target=question.thread.target, body="Any news?")
    address = reply_to_of(cast.pm, rep_reply)

    answer = send(reply_server, sender=cast.pm.email, to=address, text="Tomorrow.")

    assert answer.code == 250
    [entry] = replies_by_email()
    assert (entry.author, entry.kind, entry.body) == (cast.pm, Entry.Kind.REPLY, "Tomorrow.")


def test_a_forged_address_is_refused_before_the_message(cast, question, reply_server):
    address = reply_to_of(cast.rep, question)
    local_part, domain = address.split("@")
    signature = local_part.rsplit("-", 1)[1]
    forged = local_part.replace(signature, ("a" if signature[0] != "a" else "b") + signature[1:])

    for recipient in (f"{forged}@{domain}", f"{local_part}@elsewhere.test", f"pm@{domain}"):
        answer = send(reply_server, sender=cast.rep.email, to=recipient)
        assert answer.code == 550
        assert "not a reply address" in answer.text
    assert not Entry.objects.exclude(pk=question.pk).exists()
    assert not EmailReply.objects.exists()


def test_another_persons_address_or_a_wrong_sender_is_refused(cast, question, reply_server):
    rep_address = reply_to_of(cast.rep, question)
    # The rep's address, sent from the client admin's mailbox.
    wrong_sender = send(reply_server, sender=cast.client_admin.email, to=rep_address)
    # The client admin's own address for this thread, sent by the rep.
    admin_address = reply_address_for(user_id=cast.client_admin.pk, thread_id=question.thread_id)
    other_address = send(reply_server, sender=cast.rep.email, to=admin_address)

    for answer in (wrong_sender, other_address):
        assert answer.code == 550
        assert "Send your reply from the address the notification was sent to" in answer.text
    assert not Entry.objects.exclude(pk=question.pk).exists()
    assert not EmailReply.objects.exists()


def test_a_person_no_longer_a_member_is_refused(cast, question, reply_server):
    address = reply_to_of(cast.rep, question)
    membership_remove(
        actor=cast.pm, membership=Membership.objects.get(project=cast.project, user=cast.rep)
    )

    answer = send(reply_server, sender=cast.rep.email, to=address)

    assert answer.code == 550
    assert "You may no longer reply in this discussion" in answer.text
    assert not Entry.objects.exclude(pk=question.pk).exists()


def test_a_viewer_who_may_only_read_is_refused(cast, question, reply_server):
    address = reply_address_for(user_id=cast.viewer.pk, thread_id=question.thread_id)

    answer = send(reply_server, sender=cast.viewer.email, to=address)

    assert answer.code == 550
    assert not Entry.objects.exclude(pk=question.pk).exists()


def test_a_deactivated_person_is_refused(cast, question, reply_server):
    address = reply_to_of(cast.rep, question)
    cast.rep.is_active = False
    cast.rep.save(update_fields=["is_active"])

    answer = send(reply_server, sender=cast.rep.email, to=address)

    assert answer.code == 550
    assert not Entry.objects.exclude(pk=question.pk).exists()


def test_a_reply_to_a_closed_project_is_refused(cast, question, reply_server):
    address = reply_to_of(cast.rep, question)
    with closed_project_writes_allowed():
        cast.project.phase = Phase.CLOSED
        cast.project.save(update_fields=["phase", "updated_at"])

    answer = send(reply_server, sender=cast.rep.email, to=address)

    assert answer.code == 550
    assert "closed" in answer.text
    assert not Entry.objects.exclude(pk=question.pk).exists()
    assert not EmailReply.objects.exists()


def test_an_empty_reply_is_refused(cast, question, reply_server):
    answer = send(
        reply_server,
        sender=cast.rep.email,
        to=reply_to_of(cast.rep, question),
        text=f"On Mon, 1 Mar 2027 at 10:00, Rapport <rapport@localhost> wrote:\n> {QUESTION}\n",
    )

    assert answer.code == 550
    assert "The reply is empty" in answer.text
    assert not Entry.objects.exclude(pk=question.pk).exists()


def test_the_same_message_delivered_twice_is_posted_once(cast, question, reply_server):
    address = reply_to_of(cast.rep, question)
    message_id = make_msgid(domain="mail.a.test")

    first = send(reply_server, sender=cast.rep.email, to=address, message_id=message_id)
    again = send(reply_server, sender=cast.rep.email, to=address, message_id=message_id)
    other = send(reply_server, sender=cast.rep.email, to=address, text="And one more thing.")

    assert (first.code, again.code, other.code) == (250, 250, 250)
    assert [entry.body for entry in replies_by_email()] == [
        "Looks good to me, thanks.",
        "And one more thing.",
    ]
    assert EmailReply.objects.filter(message_id=message_id).count() == 1


def test_the_database_out_of_reach_answers_451_so_the_sender_tries_again(
    cast, question, reply_server, monkeypatch
):
    address = reply_to_of(cast.rep, question)

    def database_down(**kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(inbound, "entry_post_by_email", database_down)
    answer = send(reply_server, sender=cast.rep.email, to=address)
    monkeypatch.undo()
    retried = send(reply_server, sender=cast.rep.email, to=address)

    assert answer.code == 451
    assert retried.code == 250
    assert len(replies_by_email()) == 1


def test_a_message_over_the_size_limit_is_refused(cast, question, settings):
    settings.INBOUND_SMTP_MAX_BYTES = 2000
    server = inbound.reply_server(host="127.0.0.1", port=free_port())
    server.start()
    try:
        answer = send(
            server, sender=cast.rep.email, to=reply_to_of(cast.rep, question), text="x" * 5000
        )
    finally:
        server.stop()

    assert answer.code == 552
    assert not Entry.objects.exclude(pk=question.pk).exists()
