from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from accounts.mixins import ProjectPageMixin, StaffPageMixin
from accounts.models import Invitation
from accounts.services import invitation_create, invitation_revoke
from config.errors import ApplicationError, NotFound, add_form_error
from projects.forms import InvitationForm, MembershipRoleForm
from projects.models import Membership
from projects.permissions import can_change_membership, can_manage_members
from projects.selectors import membership_list_for, project_list_for
from projects.services import membership_change_role, membership_remove

PAGE_SIZE = 50


class ProjectListView(StaffPageMixin, TemplateView):
    template_name = "projects/project_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = Paginator(project_list_for(user=self.request.user), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        context.update(page=page, projects=page.object_list)
        return context


class ProjectDetailView(StaffPageMixin, ProjectPageMixin, TemplateView):
    template_name = "projects/project_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["memberships"] = membership_list_for(user=self.request.user, project=self.project)
        return context


class ProjectPlaceholderView(StaffPageMixin, ProjectPageMixin, TemplateView):
    """A project tab whose capability lands in a later release: says so, in both languages."""

    template_name = "projects/placeholder.html"
    tab = ""
    title = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(tab=self.tab, title=self.title)
        return context


class MembersViewMixin(ProjectPageMixin):
    """The members of a project, and for those who manage them: invite, change role, remove.
    Shared by the staff app and the portal (a client admin manages their own colleagues)."""

    members_url_name = "projects:members"
    request: HttpRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        memberships = list(membership_list_for(user=user, project=self.project))
        may_manage = can_manage_members(user, self.project)
        for membership in memberships:
            membership.may_change = may_manage and can_change_membership(
                user, self.project, membership.role
            )
        context.update(
            memberships=memberships,
            may_manage=may_manage,
            invitation_form=kwargs.get("invitation_form")
            or InvitationForm(actor=user, project=self.project),
            role_form=MembershipRoleForm(actor=user, project=self.project),
            pending_invitations=(
                Invitation.objects.filter(
                    project=self.project,
                    accepted_at__isnull=True,
                    revoked_at__isnull=True,
                    expires_at__gt=timezone.now(),
                ).select_related("invited_by")
                if may_manage
                else []
            ),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_manage_members(request.user, self.project):
            raise PermissionDenied
        action = request.POST.get("action", "invite")
        try:
            if action == "invite":
                return self._invite(request)
            if action == "revoke":
                invitation = self._pending_invitation(request.POST.get("invitation"))
                invitation_revoke(actor=request.user, invitation=invitation)
                messages.success(request, _("Invitation withdrawn."))
            elif action in ("change_role", "remove"):
                membership = self._membership(request.POST.get("membership"))
                if action == "remove":
                    membership_remove(actor=request.user, membership=membership)
                    messages.success(
                        request, _("%(user)s was removed.") % {"user": membership.user}
                    )
                else:
                    form = MembershipRoleForm(
                        request.POST, actor=request.user, project=self.project
                    )
                    if not form.is_valid():
                        messages.error(request, _("Choose one of the roles offered."))
                    else:
                        membership_change_role(
                            actor=request.user,
                            membership=membership,
                            role=form.cleaned_data["role"],
                        )
                        messages.success(request, _("Role changed."))
        except NotFound:
            raise
        except ApplicationError as error:
            messages.error(request, str(error.message))
        return self._back()

    def _invite(self, request: HttpRequest) -> HttpResponse:
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
                return self._back()
        return self.render_to_response(self.get_context_data(invitation_form=form), status=400)  # type: ignore[attr-defined]

    def _membership(self, raw_id: str | None) -> Membership:
        membership = (
            membership_list_for(user=self.request.user, project=self.project)
            .filter(pk=_as_int(raw_id))
            .first()
        )
        if membership is None:
            raise NotFound()
        return membership

    def _pending_invitation(self, raw_id: str | None) -> Invitation:
        invitation = Invitation.objects.filter(
            project=self.project, pk=_as_int(raw_id), accepted_at__isnull=True
        ).first()
        if invitation is None:
            raise NotFound()
        return invitation

    def _back(self) -> HttpResponseRedirect:
        return redirect(self.members_url_name, project_id=self.project.pk)


def _as_int(raw: str | None) -> int:
    try:
        return int(raw or "")
    except ValueError:
        return 0


class ProjectMembersView(StaffPageMixin, MembersViewMixin, TemplateView):
    template_name = "projects/project_members.html"
