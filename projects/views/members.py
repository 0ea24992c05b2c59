"""A project's members page: the members, and for those who manage them (the PM; a client admin
for their colleagues, through the portal) invitations, role changes and removals, each posted to
a view of its own."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views import View
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import StaffPageMixin
from common.errors import ApplicationError, NotFound, add_form_error
from common.exports import ExportFormatMixin, Table, local_day
from projects.forms.members import InvitationForm, MembershipRoleForm
from projects.mixins import ProjectPageMixin
from projects.models import Membership
from projects.permissions import can_change_membership, can_invite_role, can_manage_members
from projects.selectors import (
    invitation_list_for,
    membership_list_for,
    pending_invitation_list_for,
)
from projects.services import membership_change_role, membership_remove
from projects.services.invitations import invitation_create, invitation_revoke
from projects.views.base import as_int

if TYPE_CHECKING:
    from accounts.models import User

# The forms of the page post to these URLs, each named `<url_prefix><name>`.
MEMBER_ACTIONS = ("member_invite", "invitation_revoke", "member_change_role", "member_remove")


def _run_change(
    request: AuthenticatedHttpRequest, call: Callable[[], object], *, success: str
) -> None:
    """Make one change to the members; a refusal is a message, like any other error, since the
    page offers a change only where it is allowed (an unknown id is still a 404)."""
    try:
        call()
    except NotFound:
        raise
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, success)


class MembersViewMixin(ProjectPageMixin):
    """The members of a project, and for those who manage them: invite, change role, remove.
    Shared by the staff app and the portal (a client admin manages their own colleagues)."""

    members_url_name = "projects:members"
    url_prefix = "projects:"
    request: HttpRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = cast("User", self.request.user)  # signed in: the side's login mixin runs first
        memberships = list(membership_list_for(user=user, project=self.project))
        may_manage = can_manage_members(user, self.project)
        for membership in memberships:
            membership.may_change = may_manage and can_change_membership(  # type: ignore[attr-defined]
                user, self.project, membership.role
            )
        invitations = list(pending_invitation_list_for(user=user, project=self.project))
        for invitation in invitations:
            invitation.may_withdraw = can_invite_role(  # type: ignore[attr-defined]
                user, self.project, invitation.role
            )
        context.update(
            memberships=memberships,
            may_manage=may_manage,
            member_urls={
                name: reverse(self.url_prefix + name, kwargs={"project_id": self.project.pk})
                for name in MEMBER_ACTIONS
            },
            invitation_form=kwargs.get("invitation_form")
            or InvitationForm(actor=user, project=self.project),
            role_form=MembershipRoleForm(actor=user, project=self.project),
            pending_invitations=invitations,
        )
        return context


class MemberPostMixin(MembersViewMixin):
    """POST only, for those who manage the members: one change, then back to the members page
    with a message."""

    http_method_names: Sequence[str] = ["post"]

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_manage_members(request.user, self.project):
            raise PermissionDenied
        return self.change(request)

    def change(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        raise NotImplementedError

    def back(self) -> HttpResponseRedirect:
        return redirect(self.members_url_name, project_id=self.project.pk)

    def membership(self, request: AuthenticatedHttpRequest) -> Membership:
        membership = (
            membership_list_for(user=request.user, project=self.project)
            .filter(pk=as_int(request.POST.get("membership")))
            .first()
        )
        if membership is None:
            raise NotFound()
        return membership


class MemberInviteMixin(MemberPostMixin):
    """Invite someone; an invalid invitation, or one the service refuses (a refusal too: it
    names the role), shows the members page again with the error on the form."""

    def change(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        form = InvitationForm(request.POST, actor=request.user, project=self.project)
        if form.is_valid():
            try:
                invitation = invitation_create(
                    actor=request.user,
                    project=self.project,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                )
            except ApplicationError as error:
                add_form_error(form, error)
            else:
                messages.success(
                    request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
                )
                return self.back()
        return self.render_to_response(  # type: ignore[attr-defined]
            self.get_context_data(invitation_form=form), status=400
        )


class InvitationRevokeMixin(MemberPostMixin):
    # Revoking access stays possible on a closed project (projects.closure).
    writable_when_closed = True

    def change(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        invitation = (
            invitation_list_for(user=request.user, project=self.project)
            .filter(pk=as_int(request.POST.get("invitation")))
            .first()
        )
        if invitation is None:
            raise NotFound()
        _run_change(
            request,
            lambda: invitation_revoke(actor=request.user, invitation=invitation),
            success=_("Invitation withdrawn."),
        )
        return self.back()


class MemberChangeRoleMixin(MemberPostMixin):
    def change(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        membership = self.membership(request)
        form = MembershipRoleForm(request.POST, actor=request.user, project=self.project)
        if not form.is_valid():
            messages.error(request, _("Choose one of the roles offered."))
        else:
            _run_change(
                request,
                lambda: membership_change_role(
                    actor=request.user, membership=membership, role=form.cleaned_data["role"]
                ),
                success=_("Role changed."),
            )
        return self.back()


class MemberRemoveMixin(MemberPostMixin):
    # Removing a member stays possible on a closed project (access review; projects.closure).
    writable_when_closed = True

    def change(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        membership = self.membership(request)
        _run_change(
            request,
            lambda: membership_remove(actor=request.user, membership=membership),
            success=_("%(user)s was removed.") % {"user": membership.user},
        )
        return self.back()


class MembersExportMixin(ExportFormatMixin, ProjectPageMixin):
    """The project's members as CSV or Excel, as the members page lists them: name, e-mail,
    organisation and role (the same selector, on either side)."""

    request: HttpRequest

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = cast("User", request.user)  # signed in: the side's login mixin runs first
        headers = [pgettext("person", "Name"), _("E-mail"), _("Organisation"), _("Role")]
        rows = (
            [
                membership.user.display_name,
                membership.user.email,
                membership.user.organization.name if membership.user.organization else "",
                membership.get_role_display(),
            ]
            for membership in membership_list_for(user=user, project=self.project)
        )
        return self.export(
            Table(title=_("Members"), headers=headers, rows=rows),
            name=f"{self.project.code}-members",
            day=local_day(self.project.client.time_zone),
        )


class ProjectMembersView(StaffPageMixin, MembersViewMixin, TemplateView):
    request: AuthenticatedHttpRequest

    template_name = "projects/project_members.html"


class MembersExportView(StaffPageMixin, MembersExportMixin, View):
    pass


class MemberInviteView(MemberInviteMixin, ProjectMembersView):
    pass


class InvitationRevokeView(InvitationRevokeMixin, ProjectMembersView):
    pass


class MemberChangeRoleView(MemberChangeRoleMixin, ProjectMembersView):
    pass


class MemberRemoveView(MemberRemoveMixin, ProjectMembersView):
    pass
