"""Invitations by e-mail to join a project: sent, withdrawn, and accepted through their signed
link (by a signed-in person, or by creating their account)."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from accounts.services import NewAccount, account_create
from common.errors import ApplicationError, Conflict, InvalidInput, NotAllowed
from notifications.services.notifications import notification_create
from notifications.services.outbox import outbox_enqueue
from projects.closure import ensure_project_open
from projects.models import CLIENT_ROLES, Invitation, Membership, Project, Role
from projects.permissions import can_invite_role
from projects.services.memberships import membership_add

# Unchanged since invitations lived in accounts, so that links already sent keep working.
INVITATION_SALT = "rapport.accounts.invitation"


class InvitationInvalid(ApplicationError):
    code = "invitation_invalid"
    http_status = 400


class InvitationExpired(InvitationInvalid):
    code = "invitation_expired"


class InvitationUsed(InvitationInvalid):
    code = "invitation_used"


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=INVITATION_SALT)


def invitation_url(invitation: Invitation) -> str:
    path = reverse("invitations:accept", kwargs={"token": invitation_token(invitation)})
    return str(settings.SITE_URL).rstrip("/") + path


def _normalize_email(email: str) -> str:
    return User.objects.normalize_email(email.strip()).lower()


@transaction.atomic
def invitation_create(*, actor: User, project: Project, email: str, role: str) -> Invitation:
    """Invite a person by e-mail to `project` with `role`, and queue the e-mail.

    A PM invites anyone; a client admin only client roles. A person who already has an account
    must be on the right side (a client role only for the project's client's people). Inviting
    again someone with a pending invitation replaces it (the old link stops working).
    """
    if role not in Role.values:
        raise InvalidInput(_("Unknown role."), field="role")
    if not can_invite_role(actor, project, role):
        raise NotAllowed(_("You may not invite people with this role to this project."))
    ensure_project_open(project.pk)  # earlier invitations are revoked in bulk
    email = _normalize_email(email)
    existing = User.objects.filter(email__iexact=email).first()
    organization = _invitation_organization(project=project, role=role)
    if existing is not None:
        if existing.organization_id != organization.pk and not (
            role not in CLIENT_ROLES and existing.is_provider_user
        ):
            raise InvalidInput(
                _("%(email)s belongs to another organisation and cannot take this role.")
                % {"email": email},
                field="email",
            )
        if Membership.objects.filter(project=project, user=existing).exists():
            raise Conflict(_("%(email)s is already a member of this project.") % {"email": email})
    Invitation.objects.filter(
        project=project, email=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    invitation = Invitation.objects.create(
        email=email,
        project=project,
        role=role,
        organization=organization,
        invited_by=actor,
        expires_at=timezone.now() + settings.INVITATION_MAX_AGE,
    )
    recipient = existing if existing is not None else organization
    outbox_enqueue(
        kind="invitation",
        to_email=email,
        to_user=existing,
        language=recipient.language,
        time_zone=recipient.time_zone,
        template="projects/email/invitation",
        context={
            "invitation": invitation,
            "project": project,
            "inviter": actor,
            "role_label": Role(role).label,
            "url": invitation_url(invitation),
            "expires_at": invitation.expires_at,
            "has_account": existing is not None,
        },
        dedupe_key=f"invitation:{invitation.pk}",
    )
    return invitation


def _invitation_organization(*, project: Project, role: str) -> Organization:
    if role in CLIENT_ROLES:
        return project.client
    provider = Organization.objects.filter(kind=Organization.Kind.PROVIDER).first()
    if provider is None:
        raise InvalidInput(_("The provider organisation is not set up yet."))
    return provider


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    if not can_invite_role(actor, invitation.project, invitation.role):
        raise NotAllowed()
    if invitation.accepted_at is not None:
        raise Conflict(_("This invitation has already been accepted."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    return invitation


def invitation_from_token(token: str) -> Invitation:
    """The pending invitation behind a link; raises InvitationInvalid, InvitationExpired or
    InvitationUsed with a message for the person holding the link."""
    try:
        payload = signing.loads(token, salt=INVITATION_SALT, max_age=settings.INVITATION_MAX_AGE)
    except signing.SignatureExpired as error:
        raise InvitationExpired(
            _("This invitation has expired. Ask the person who invited you for a new one.")
        ) from error
    except signing.BadSignature as error:
        raise InvitationInvalid(_("This invitation link is not valid.")) from error
    invitation = (
        Invitation.objects.select_related("project", "project__client", "organization")
        .filter(pk=payload.get("i"), nonce=payload.get("n"))
        .first()
    )
    if invitation is None or invitation.revoked_at is not None:
        raise InvitationInvalid(_("This invitation link is not valid any more."))
    if invitation.accepted_at is not None:
        raise InvitationUsed(
            _("This invitation has already been used. Sign in to open the project.")
        )
    if invitation.expires_at <= timezone.now():
        raise InvitationExpired(
            _("This invitation has expired. Ask the person who invited you for a new one.")
        )
    return invitation


@transaction.atomic
def invitation_accept(
    *, token: str, user: User | None = None, new_account: NewAccount | None = None
) -> Membership:
    """Accept an invitation: as the signed-in `user` whose e-mail it was sent to, or by creating
    the account described by `new_account` when no account has that e-mail yet. Works once."""
    invitation = invitation_from_token(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise InvitationUsed(
            _("This invitation has already been used. Sign in to open the project.")
        )
    existing = User.objects.filter(email__iexact=invitation.email).first()
    if existing is not None:
        if user is None or user.pk != existing.pk:
            raise NotAllowed(
                _("This invitation is for %(email)s. Sign in as %(email)s to accept it.")
                % {"email": invitation.email}
            )
        member = existing
    else:
        if user is not None and user.is_authenticated:
            raise NotAllowed(
                _("This invitation is for %(email)s. Sign out first to accept it.")
                % {"email": invitation.email}
            )
        if new_account is None:
            raise InvalidInput(_("Choose a name and a password to create your account."))
        member = account_create(
            email=invitation.email,
            organization=invitation.organization,
            new_account=new_account,
        )
    membership = membership_add(
        actor=None, project=invitation.project, user=member, role=invitation.role
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = member
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    _notify_inviter(invitation=invitation, member=member)
    return membership


def _notify_inviter(*, invitation: Invitation, member: User) -> None:
    inviter = invitation.invited_by
    if not inviter.is_active:
        return
    members_page = "portal:project_members" if inviter.is_client_user else "projects:members"
    with translation.override(inviter.language):
        title = _("%(person)s joined %(project)s as %(role)s.") % {
            "person": member.display_name,
            "project": invitation.project.name,
            "role": Role(invitation.role).label,
        }
    notification_create(
        user=inviter,
        title=title,
        url=reverse(members_page, kwargs={"project_id": invitation.project_id}),
    )
