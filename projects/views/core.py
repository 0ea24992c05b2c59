from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from accounts.mixins import StaffPageMixin
from accounts.models import Organization, User
from common.errors import ApplicationError, NotFound, add_form_error
from common.pages import run_action, run_form
from projects.forms import (
    DeliverableForm,
    DocumentUploadForm,
    GateRequestForm,
    HealthOverrideForm,
    InvitationForm,
    MembershipRoleForm,
    MilestoneForm,
    ObjectiveForm,
    ProjectForm,
    QualityReviewForm,
    SubmitForm,
)
from projects.mixins import ProjectPageMixin
from projects.models import (
    NEXT_PHASE,
    Deliverable,
    HealthStatus,
    Invitation,
    Membership,
    Phase,
    Project,
)
from projects.permissions import (
    can_accept_deliverable_internally,
    can_change_membership,
    can_edit_plan,
    can_manage_members,
    can_request_phase_gate,
    can_review_quality,
    can_upload_document,
)
from projects.selectors import (
    deliverable_get_for,
    deliverable_rounds,
    document_list_for,
    gate_list_for,
    membership_list_for,
    milestone_list_for,
    objective_list_for,
    portfolio_client_choices,
    project_glance_for,
    project_portfolio_for,
    quality_reviews_for,
)
from projects.selectors.portfolio import PortfolioFilters
from projects.selectors.tasks import task_team_for
from projects.services import (
    gate_checklist,
    membership_change_role,
    membership_remove,
    objective_create,
    objective_delete,
    objective_update,
    project_create,
    project_health_override,
    project_health_override_clear,
    project_set_archived,
    project_update,
)
from projects.services.deliverables import (
    deliverable_accept_internally,
    deliverable_create,
    milestone_create,
    milestone_update,
    quality_review_record,
)
from projects.services.documents import deliverable_submit_with_files, document_upload
from projects.services.invitations import invitation_create, invitation_revoke

PAGE_SIZE = 50


class ProjectListView(StaffPageMixin, TemplateView):
    """My projects: the PM's portfolio, with health and delivery figures, filters and sort."""

    template_name = "projects/project_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        filters = PortfolioFilters.from_query(self.request.GET.dict())
        rows = project_portfolio_for(user=self.request.user, filters=filters)
        page = Paginator(rows, PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            page=page,
            projects=page.object_list,
            filters=filters,
            phases=Phase.choices,
            healths=HealthStatus.choices,
            clients=portfolio_client_choices(user=self.request.user),
            page_query=query.urlencode(),
        )
        return context


def _client_choices() -> list[tuple[int, str]]:
    return list(
        Organization.objects.filter(kind=Organization.Kind.CLIENT)
        .order_by("name")
        .values_list("pk", "name")
    )


class ProjectCreateView(StaffPageMixin, PermissionRequiredMixin, TemplateView):
    """A provider person starts a project for a client and becomes its PM."""

    permission_required = "projects.add_project"
    template_name = "projects/project_form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or ProjectForm(clients=_client_choices())
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ProjectForm(request.POST, clients=_client_choices())
        done = run_form(
            form,
            lambda data: project_create(
                actor=request.user,
                client=Organization.objects.get(pk=data["client"]),
                data=form.project_data(),
            ),
        )
        if done:
            messages.success(request, _("Project created. Add its milestones next."))
            return redirect("projects:plan", project_id=done.value.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ProjectEditView(StaffPageMixin, ProjectPageMixin, TemplateView):
    project_permission = "projects.edit_plan"
    template_name = "projects/project_form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or ProjectForm(
            initial=ProjectForm.initial_for(self.project),
            clients=_client_choices(),
            editing=True,
        )
        context["editing"] = True
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.POST.get("action") in ("archive", "restore"):
            project_set_archived(
                actor=request.user,
                project=self.project,
                archived=request.POST["action"] == "archive",
            )
            messages.success(
                request,
                _("Project archived.") if self.project.is_archived else _("Project restored."),
            )
            return redirect("projects:detail", project_id=self.project.pk)
        form = ProjectForm(
            request.POST,
            initial=ProjectForm.initial_for(self.project),
            clients=_client_choices(),
            editing=True,
        )
        if run_form(
            form,
            lambda data: project_update(
                actor=request.user, project=self.project, data=form.project_data()
            ),
        ):
            messages.success(request, _("Project saved."))
            return redirect("projects:detail", project_id=self.project.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ProjectDetailView(StaffPageMixin, ProjectPageMixin, TemplateView):
    """The overview: the portfolio's figures at a glance, health (and the PM's override),
    objectives, summary, scope and people. The PM edits objectives and the override here."""

    template_name = "projects/project_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["gates"] = gate_list_for(user=user, project=self.project)[:10]
        if can_request_phase_gate(user, self.project):
            context["gate_form"] = GateRequestForm(items=gate_checklist(self.project))
            next_phase = NEXT_PHASE.get(self.project.phase)
            context["next_phase_label"] = Phase(next_phase).label if next_phase else None
        may_edit = can_edit_plan(user, self.project)
        objectives = list(objective_list_for(user=user, project=self.project))
        failed = kwargs.get("objective_form")
        if may_edit:
            for objective in objectives:
                prefix = f"o{objective.pk}"
                objective.form = (
                    failed
                    if failed is not None and failed.prefix == prefix
                    else ObjectiveForm(
                        prefix=prefix,
                        initial={
                            "title": objective.title,
                            "target": objective.target,
                            "status": objective.status,
                        },
                    )
                )
        context.update(
            glance=project_glance_for(user=user, project=self.project),
            memberships=membership_list_for(user=user, project=self.project),
            may_edit=may_edit,
            objectives=objectives,
            objective_form=(failed if failed is not None and failed.prefix == "new" else None)
            or ObjectiveForm(prefix="new"),
            override_form=kwargs.get("override_form") or HealthOverrideForm(),
            out_of_scope_lines=[
                line.strip() for line in self.project.out_of_scope.splitlines() if line.strip()
            ],
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_edit_plan(request.user, self.project):
            raise PermissionDenied
        action = request.POST.get("action")
        if action == "override_health":
            return self._override(request)
        if action == "clear_override":
            project_health_override_clear(actor=request.user, project=self.project)
            messages.success(request, _("The computed health shows again."))
            return self._back()
        if action not in ("add_objective", "edit_objective", "delete_objective"):
            raise NotFound()
        objective = None
        if action != "add_objective":
            objective = (
                objective_list_for(user=request.user, project=self.project)
                .filter(pk=_as_int(request.POST.get("objective")))
                .first()
            )
            if objective is None:
                raise NotFound()
        if action == "delete_objective" and objective is not None:
            objective_delete(actor=request.user, objective=objective)
            messages.success(request, _("Objective removed."))
            return self._back()
        form = ObjectiveForm(request.POST, prefix=f"o{objective.pk}" if objective else "new")
        if objective is None:
            done = run_form(
                form,
                lambda data: objective_create(actor=request.user, project=self.project, **data),
            )
            success = _("Objective added.")
        else:
            done = run_form(
                form, lambda data: objective_update(actor=request.user, objective=objective, **data)
            )
            success = _("Objective saved.")
        if done:
            messages.success(request, success)
            return self._back()
        return self.render_to_response(self.get_context_data(objective_form=form), status=400)

    def _override(self, request: HttpRequest) -> HttpResponse:
        form = HealthOverrideForm(request.POST)
        if run_form(
            form,
            lambda data: project_health_override(actor=request.user, project=self.project, **data),
        ):
            messages.success(request, _("Health set."))
            return self._back()
        return self.render_to_response(self.get_context_data(override_form=form), status=400)

    def _back(self) -> HttpResponseRedirect:
        return redirect("projects:detail", project_id=self.project.pk)


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


# --- Plan: milestones and deliverables ---------------------------------------------------------


def _team_choices(project: Project) -> list[tuple[int, str]]:
    return [
        (membership.user_id, membership.user.display_name)
        for membership in task_team_for(project=project)
    ]


class ProjectPlanView(StaffPageMixin, ProjectPageMixin, TemplateView):
    """Milestones with their deliverables; the PM adds milestones and deliverables here."""

    template_name = "projects/plan.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        may_edit = can_edit_plan(self.request.user, self.project)
        milestones = list(milestone_list_for(user=self.request.user, project=self.project))
        if may_edit:
            team = _team_choices(self.project)
            failed = kwargs.get("deliverable_form")
            failed_edit = kwargs.get("edit_form")
            for milestone in milestones:
                milestone.deliverable_form = (
                    failed
                    if failed is not None and failed.prefix == f"m{milestone.pk}"
                    else DeliverableForm(team=team, prefix=f"m{milestone.pk}")
                )
                milestone.edit_form = (
                    failed_edit
                    if failed_edit is not None and failed_edit.prefix == f"e{milestone.pk}"
                    else MilestoneForm(
                        prefix=f"e{milestone.pk}",
                        initial={
                            "name": milestone.name,
                            "due_date": milestone.due_date,
                            "description": milestone.description,
                            "visibility": milestone.visibility,
                        },
                    )
                )
        context.update(
            milestones=milestones,
            may_edit=may_edit,
            milestone_form=kwargs.get("milestone_form") or MilestoneForm(),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_edit_plan(request.user, self.project):
            raise PermissionDenied
        if request.POST.get("action") == "add_deliverable":
            return self._add_deliverable(request)
        if request.POST.get("action") == "edit_milestone":
            return self._edit_milestone(request)
        form = MilestoneForm(request.POST)
        if run_form(
            form, lambda data: milestone_create(actor=request.user, project=self.project, **data)
        ):
            messages.success(request, _("Milestone added."))
            return redirect("projects:plan", project_id=self.project.pk)
        return self.render_to_response(self.get_context_data(milestone_form=form), status=400)

    def _edit_milestone(self, request: HttpRequest) -> HttpResponse:
        milestone = (
            milestone_list_for(user=request.user, project=self.project)
            .filter(pk=_as_int(request.POST.get("milestone")))
            .first()
        )
        if milestone is None:
            raise NotFound()
        form = MilestoneForm(request.POST, prefix=f"e{milestone.pk}")
        if run_form(
            form, lambda data: milestone_update(actor=request.user, milestone=milestone, **data)
        ):
            messages.success(request, _("Milestone saved."))
            return redirect("projects:plan", project_id=self.project.pk)
        return self.render_to_response(self.get_context_data(edit_form=form), status=400)

    def _add_deliverable(self, request: HttpRequest) -> HttpResponse:
        milestone = (
            milestone_list_for(user=request.user, project=self.project)
            .filter(pk=_as_int(request.POST.get("milestone")))
            .first()
        )
        if milestone is None:
            raise NotFound()
        form = DeliverableForm(
            request.POST, team=_team_choices(self.project), prefix=f"m{milestone.pk}"
        )
        if run_form(
            form,
            lambda data: deliverable_create(
                actor=request.user,
                milestone=milestone,
                name=data["name"],
                description=data["description"],
                criteria=form.criteria_lines(),
                due_date=data["due_date"],
                owner=User.objects.filter(pk=data["owner"]).first() if data["owner"] else None,
                visibility=data["visibility"],
            ),
        ):
            messages.success(request, _("Deliverable added."))
            return redirect("projects:plan", project_id=self.project.pk)
        return self.render_to_response(self.get_context_data(deliverable_form=form), status=400)


class DeliverableDetailView(StaffPageMixin, ProjectPageMixin, TemplateView):
    """A deliverable: its criteria, the team's quality reviews, submission to the client and
    the timeline of every round."""

    template_name = "projects/deliverable_detail.html"

    def get_deliverable(self) -> Deliverable:
        return deliverable_get_for(
            user=self.request.user,
            project=self.project,
            deliverable_id=self.kwargs["deliverable_id"],
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        deliverable = kwargs.get("deliverable") or self.get_deliverable()
        user = self.request.user
        context.update(
            deliverable=deliverable,
            rounds=deliverable_rounds(deliverable=deliverable),
            reviews=quality_reviews_for(user=user, deliverable=deliverable),
            may_review=can_review_quality(user, self.project),
            may_submit=can_edit_plan(user, self.project) and deliverable.is_client_visible,
            may_accept_internally=can_accept_deliverable_internally(user, self.project)
            and not deliverable.is_client_visible,
            review_form=kwargs.get("review_form") or QualityReviewForm(),
            submit_form=kwargs.get("submit_form") or SubmitForm(),
            documents=document_list_for(user=user, project=self.project, deliverable=deliverable),
            may_upload=can_upload_document(user, self.project),
            document_form=kwargs.get("document_form") or DocumentUploadForm(),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        deliverable = self.get_deliverable()
        action = request.POST.get("action")
        if action == "review":
            form = QualityReviewForm(request.POST)
            if run_form(
                form,
                lambda data: quality_review_record(
                    actor=request.user, deliverable=deliverable, **data
                ),
            ):
                messages.success(request, _("Quality review recorded."))
                return redirect(deliverable_url(deliverable))
            return self.render_to_response(
                self.get_context_data(deliverable=deliverable, review_form=form), status=400
            )
        if action == "upload_document":
            return self._upload_document(request, deliverable)
        if action == "accept_internally":
            if not can_accept_deliverable_internally(request.user, self.project):
                raise PermissionDenied
            run_action(
                request,
                lambda: deliverable_accept_internally(actor=request.user, deliverable=deliverable),
                success=_("Deliverable accepted internally."),
            )
            return redirect(deliverable_url(deliverable))
        if action == "submit":
            form = SubmitForm(request.POST, request.FILES)
            if run_form(
                form,
                lambda data: deliverable_submit_with_files(
                    actor=request.user,
                    deliverable=deliverable,
                    note=data["note"],
                    files=data["files"],
                ),
            ):
                messages.success(request, _("Submitted to the client for acceptance."))
                return redirect(deliverable_url(deliverable))
            return self.render_to_response(
                self.get_context_data(deliverable=deliverable, submit_form=form), status=400
            )
        raise NotFound()

    def _upload_document(self, request: HttpRequest, deliverable: Deliverable) -> HttpResponse:
        if not can_upload_document(request.user, self.project):
            raise PermissionDenied
        form = DocumentUploadForm(request.POST, request.FILES)
        if run_form(
            form,
            lambda data: document_upload(
                actor=request.user,
                project=self.project,
                file=data["file"],
                title=data["title"],
                deliverable=deliverable,
                visibility=data["visibility"],
                note=data["note"],
            ),
        ):
            messages.success(request, _("Document uploaded."))
            return redirect(deliverable_url(deliverable))
        return self.render_to_response(
            self.get_context_data(deliverable=deliverable, document_form=form), status=400
        )


def deliverable_url(deliverable: Deliverable) -> str:
    return reverse(
        "projects:deliverable",
        kwargs={"project_id": deliverable.project_id, "deliverable_id": deliverable.pk},
    )
