"""A failed e-mail is told to who can fix it, once: the staff admins always, the PMs of the
project the e-mail is about; the PM sees their project's failed e-mails and sends them again.
Against a real SMTP server (aiosmtpd) answering 550."""

from __future__ import annotations

import pytest
from django.urls import reverse

from common.errors import NotAllowed
from notifications.models import Notification, OutboxMessage
from notifications.services.outbox import (
    SendOutcome,
    outbox_enqueue_rendered,
    outbox_resend,
    outbox_send,
)
from notifications.tasks import outbox_send_task
from projects.models import Role
from projects.services.invitations import invitation_create
from tests.factories import ProjectFactory, UserFactory, add_member, enrol_totp
from tests.helpers import logged_in

SEND_TASK = "notifications.tasks.outbox_send_task"


def invite(actor, project, email: str = "nobody@a.test") -> OutboxMessage:
    invitation = invitation_create(
        actor=actor, project=project, email=email, role=Role.CUSTOMER_REP
    )
    return OutboxMessage.objects.get(dedupe_key=f"invitation:{invitation.pk}")


def titles(user) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("title", flat=True))


@pytest.fixture
def refused_invitation(pm, project, smtp_server, settings) -> OutboxMessage:
    settings.OUTBOX_MAX_ATTEMPTS = 8
    message = invite(pm, project)
    smtp_server.refuse_rcpt("550 5.1.1 No such user here")
    return message


def test_an_e_mail_about_a_project_is_recorded_with_the_project(pm, project):
    message = invite(pm, project)

    assert message.project_id == project.pk


def test_a_permanent_refusal_tells_the_staff_admins_and_the_projects_pms_once(
    refused_invitation, pm, am, staff_admin, smtp_server
):
    message = refused_invitation

    outcomes = [
        outbox_send(message_id=message.pk),
        outbox_send(message_id=message.pk),
        outbox_send_task.apply(args=[message.pk]).get(),
    ]

    assert outcomes == [SendOutcome.FAILED, SendOutcome.ALREADY_DONE, "already_done"]
    expected = "An e-mail to nobody@a.test could not be delivered: You are invited to A One"
    assert titles(staff_admin) == [expected]
    assert titles(pm) == [expected]
    assert titles(am) == []  # only the PMs of the project
    [to_pm] = Notification.objects.filter(user=pm)
    assert to_pm.url == reverse("projects:failed_emails", args=[message.project_id])
    assert "550" in to_pm.body
    assert "No such user here" in to_pm.body
    [to_admin] = Notification.objects.filter(user=staff_admin)
    assert to_admin.url == reverse("operations:overview")
    assert smtp_server.received == []


def test_transient_refusals_tell_nobody_until_the_last_attempt_fails(
    pm, project, staff_admin, smtp_server, settings
):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    message = invite(pm, project)
    smtp_server.refuse_rcpt("450 4.2.1 Mailbox busy")

    assert outbox_send(message_id=message.pk) is SendOutcome.RETRY
    assert titles(pm) == []
    assert titles(staff_admin) == []

    assert outbox_send(message_id=message.pk) is SendOutcome.FAILED
    assert len(titles(pm)) == 1
    assert len(titles(staff_admin)) == 1


def test_a_failure_after_a_resend_is_a_new_failure_told_again(
    refused_invitation, pm, staff_admin, task_queue, django_capture_on_commit_callbacks
):
    outbox_send(message_id=refused_invitation.pk)
    with django_capture_on_commit_callbacks(execute=True):
        outbox_resend(actor=pm, message=refused_invitation)
    outbox_send(message_id=refused_invitation.pk)

    assert len(titles(pm)) == 2
    assert len(titles(staff_admin)) == 2


def test_an_account_e_mail_tells_the_staff_admins_only(pm, staff_admin, smtp_server):
    message = outbox_enqueue_rendered(
        kind="account:password_reset_key",
        to_email="gone@a.test",
        language="en",
        subject="Password reset",
        body_text="SECRET-RESET-LINK",
    )
    smtp_server.refuse_rcpt("550 5.1.1 No such user")

    assert outbox_send(message_id=message.pk) is SendOutcome.FAILED

    assert message.project_id is None
    assert titles(staff_admin) == [
        "An e-mail to gone@a.test could not be delivered: Password reset"
    ]
    assert titles(pm) == []
    assert "SECRET-RESET-LINK" not in Notification.objects.get(user=staff_admin).body


# --- The PM sees and resends their project's failed e-mails ---------------------------------------


def test_the_pm_resends_a_failed_e_mail_of_their_project_and_it_is_requeued(
    refused_invitation, pm, smtp_server, task_queue, django_capture_on_commit_callbacks
):
    outbox_send(message_id=refused_invitation.pk)
    smtp_server.accept()
    client = logged_in(pm)
    url = reverse("projects:failed_emails", args=[refused_invitation.project_id])

    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "nobody@a.test" in html
    assert "You are invited to A One" in html
    assert "No such user here" in html
    assert refused_invitation.body_text.strip()[:40] not in html  # never the text

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(
                "projects:failed_email_resend",
                args=[refused_invitation.project_id, refused_invitation.pk],
            )
        )

    assert response.status_code == 302
    refused_invitation.refresh_from_db()
    assert refused_invitation.status == OutboxMessage.Status.PENDING
    assert refused_invitation.attempts == 0
    assert task_queue.tasks() == [(SEND_TASK, [refused_invitation.pk])]
    assert outbox_send(message_id=refused_invitation.pk) is SendOutcome.SENT
    assert [m["To"] for m in smtp_server.received] == ["nobody@a.test"]
    assert "nobody@a.test" not in client.get(url).content.decode()


def test_a_pm_of_another_project_may_not_resend_it(
    refused_invitation, provider, task_queue, django_capture_on_commit_callbacks
):
    outbox_send(message_id=refused_invitation.pk)
    other_pm = UserFactory(email="other.pm@provider.test", organization=provider)
    enrol_totp(other_pm)
    other = ProjectFactory()
    add_member(other, other_pm, Role.PM)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(NotAllowed):
        outbox_resend(actor=other_pm, message=refused_invitation)

    # Nor through their own project's page: the message is not theirs.
    response = logged_in(other_pm).post(
        reverse("projects:failed_email_resend", args=[other.pk, refused_invitation.pk])
    )
    assert response.status_code == 404
    refused_invitation.refresh_from_db()
    assert refused_invitation.status == OutboxMessage.Status.FAILED
    assert task_queue.tasks() == []


@pytest.mark.parametrize("who", ["am", "teammate"])
def test_other_members_of_the_project_cannot_open_the_failed_e_mails(
    request, who, refused_invitation
):
    outbox_send(message_id=refused_invitation.pk)
    user = request.getfixturevalue(who)
    client = logged_in(user)
    project_id = refused_invitation.project_id

    page = client.get(reverse("projects:failed_emails", args=[project_id]))
    post = client.post(
        reverse("projects:failed_email_resend", args=[project_id, refused_invitation.pk])
    )

    assert page.status_code == 403
    assert b"nobody@a.test" not in page.content
    assert post.status_code == 403
    refused_invitation.refresh_from_db()
    assert refused_invitation.status == OutboxMessage.Status.FAILED


def test_the_pm_may_not_send_again_an_e_mail_that_went_out(
    pm, project, smtp_server, task_queue, django_capture_on_commit_callbacks
):
    message = invite(pm, project)
    assert outbox_send(message_id=message.pk) is SendOutcome.SENT
    message.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(NotAllowed):
        outbox_resend(actor=pm, message=message)

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert task_queue.tasks() == []
