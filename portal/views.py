from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import PortalPageMixin
from accounts.models import User
from common.exports import ExportFormatMixin, Table, local_day
from common.pages import run_form
from portal.context_processors import waiting_items_of_request
from portal.decisions import WaitingItem
from portal.selectors import client_overview_for, previous_visit_of, with_client_response_days
from portal.services import project_visit_record, with_answer_by
from projects.forms.deliverables import AcceptanceDecisionForm
from projects.forms.documents import (
    ClientDocumentUploadForm,
    DocumentUploadForm,
    DocumentVersionForm,
)
from projects.forms.gates import GateDecisionForm
from projects.mixins import ProjectPageMixin
from projects.models import Deliverable, Milestone, PhaseGate, Project
from projects.permissions import (
    can_accept_deliverable,
    can_approve_phase_gate,
    can_upload_document,
    can_view_internal_items,
)
from projects.selectors import (
    client_progress_for,
    deliverable_get_for,
    deliverable_rounds,
    document_list_for,
    documents_with_versions_for,
    gate_get_for,
    membership_list_for,
    milestone_list_for,
    milestones_with_deliverables_for,
    objectives_read_with,
    project_list_for,
)
from projects.selectors.costs import (
    approved_hours_by_week_for,
    cost_access_for,
    cost_entry_list_for,
    earned_value_for,
)
from projects.selectors.portfolio import client_progress_of, project_with_glance_get_for
from projects.services import phase_gate_decide
from projects.services.acceptance import FailedCriterion, deliverable_accept, deliverable_reject
from projects.views import (
    DocumentDownloadMixin,
    InvitationRevokeMixin,
    MemberChangeRoleMixin,
    MemberInviteMixin,
    MemberRemoveMixin,
    MembersExportMixin,
    MembersViewMixin,
    SearchViewMixin,
    TimelinePdfMixin,
    TimelineViewMixin,
)
from projects.views.baselines import BaselinesViewMixin
from projects.views.documents import DocumentUploadFormsMixin
from projects.waits import delay_share_for

# The projects the portal home lists before "All my projects", and a page of that list.
HOME_PROJECTS = 10
# The waiting items the portal home lists (the oldest) before "Show all"; ?all=1 lists them all.
HOME_WAITING_ITEMS = 20
PROJECT_PAGE_SIZE = 50


class PortalHomeView(PortalPageMixin, TemplateView):
    """What needs my decision first (portal.decisions: every source, oldest first; the oldest
    HOME_WAITING_ITEMS unless ?all=1 asks for every one), then my projects. While a PM or AM
    views the portal as this person, narrowed to that project."""

    request: AuthenticatedHttpRequest

    template_name = "portal/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        items: Sequence[WaitingItem] = waiting_items_of_request(self.request)
        projects = project_list_for(user=self.request.user)
        view_as = getattr(self.request, "view_as", None)
        if view_as is not None:
            items = [item for item in items if item.project.pk == view_as.project_id]
            projects = projects.filter(pk=view_as.project_id)
        # The first projects, with their response times for the items' answer-by days (a
        # project of an item beyond them has its response time read apart); one more row says
        # whether "All my projects" links to the rest.
        rows = list(with_client_response_days(projects)[: HOME_PROJECTS + 1])
        show_all = self.request.GET.get("all") == "1"
        shown = list(items) if show_all else items[:HOME_WAITING_ITEMS]
        context.update(
            waiting_items=with_answer_by(shown, projects=rows),
            waiting_total=len(items),
            more_waiting=len(shown) < len(items),
            showing_all_waiting=show_all and len(items) > HOME_WAITING_ITEMS,
            projects=rows[:HOME_PROJECTS],
            more_projects=len(rows) > HOME_PROJECTS,
        )
        return context


def _portal_projects(request: AuthenticatedHttpRequest) -> Any:
    """My projects; while a PM or AM views the portal as this person, the one project."""
    projects = project_list_for(user=request.user)
    view_as = getattr(request, "view_as", None)
    if view_as is not None:
        projects = projects.filter(pk=view_as.project_id)
    return projects


class PortalProjectListView(PortalPageMixin, TemplateView):
    """My projects by name, PROJECT_PAGE_SIZE a page."""

    request: AuthenticatedHttpRequest
    template_name = "portal/project_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = Paginator(_portal_projects(self.request), PROJECT_PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        context.update(projects=page.object_list, page=page)
        return context


class PortalProjectListExportView(PortalPageMixin, ExportFormatMixin, View):
    """My projects as CSV or Excel, with the list's columns."""

    request: AuthenticatedHttpRequest

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        headers = [_("Code"), _("Project"), _("Client"), _("Start"), _("End"), _("Members")]
        rows = (
            [
                project.code,
                project.name,
                project.client.name,
                project.start_date,
                project.end_date,
                project.member_count,
            ]
            for project in _portal_projects(request)
        )
        return self.export(
            Table(title=_("My projects"), headers=headers, rows=rows),
            name="projects",
            day=local_day(),
        )


class PortalProjectDetailView(
    DocumentUploadFormsMixin, PortalPageMixin, ProjectPageMixin, TemplateView
):
    """The project's overview; its documents list is where a client admin or representative
    uploads a document or a new version of their side's own."""

    request: AuthenticatedHttpRequest
    template_name = "portal/project_detail.html"
    upload_form_class = ClientDocumentUploadForm

    # The milestones the page has read (milestones_with_deliverables_for).
    _milestones: list[Milestone] | None = None

    def load_project(self, user: User, project_id: int) -> Project:
        # With the figures its health rests on (overdue milestones, earned value), and its
        # health, in the query that reads it.
        return project_with_glance_get_for(user=user, project_id=project_id)

    def upload_form(self, *args: Any, **kwargs: Any) -> DocumentUploadForm:
        """The upload form; on the page, its milestone and deliverable choices come from the
        milestones the page has read (the deliverables in deliverable_list_for's order)."""
        milestones = self._milestones
        if milestones is None:
            return super().upload_form(*args, **kwargs)
        deliverables = sorted(
            (item for milestone in milestones for item in milestone.deliverables.all()),
            key=lambda item: (item.due_date is None, item.due_date, item.pk),
        )
        return self.upload_form_class(
            *args,
            milestones=[(milestone.pk, milestone.name) for milestone in milestones],
            deliverables=[(deliverable.pk, deliverable.name) for deliverable in deliverables],
            **kwargs,
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        # Each is read once, for its section and for the overview, the upload form, the progress.
        milestones = milestones_with_deliverables_for(user=user, project=self.project)
        documents = documents_with_versions_for(user=user, project=self.project)
        memberships = list(membership_list_for(user=user, project=self.project))
        self._milestones = milestones
        context["documents"] = documents
        may_upload = can_upload_document(user, self.project) and not self.project.is_closed
        context.update(
            may_upload_document=may_upload,
            document_form=kwargs.get("document_form")
            or (self.upload_form() if may_upload else None),
            failed_version_form=kwargs.get("version_form"),
            failed_document_id=kwargs.get("document_id"),
        )
        # "Since your last visit": a PM or AM viewing as this person leaves no visit behind.
        if getattr(self.request, "view_as", None) is None:
            last_visit = project_visit_record(user=user, project=self.project)
        else:
            last_visit = previous_visit_of(user=user, project=self.project)
        context["overview"] = client_overview_for(
            user=user,
            project=self.project,
            since=last_visit,
            documents=documents,
            milestones=milestones,
            memberships=memberships,
        )
        # What waited beyond the agreed response time, as the client may read it, with that
        # time (read in the same query).
        delay_share = delay_share_for(self.project, client_view=True)
        context.update(
            memberships=memberships,
            milestones=milestones,
            objectives=objectives_read_with(self.project),
            # The milestones hold the client's counts unless the user also sees internal items.
            progress=client_progress_for(project=self.project)
            if can_view_internal_items(user, self.project)
            else client_progress_of(milestones),
            # The client sees a plain status (on track / at risk / off track) with the reasons
            # that rest on what they may see; see projects.health.Health.client_status.
            health=self.project.health,  # type: ignore[attr-defined]
            delay_share=delay_share,
            response_days=delay_share.response_days,
        )
        # Time and budget, as far as the project's budget_visibility lets the client see them.
        context.update(
            budget_access=cost_access_for(user=user, project=self.project),
            budget_figures=earned_value_for(user=user, project=self.project),
            shared_costs=cost_entry_list_for(user=user, project=self.project),
            weekly_hours=approved_hours_by_week_for(user=user, project=self.project),
        )
        return context


class PortalDeliverableExportView(PortalPageMixin, ExportFormatMixin, ProjectPageMixin, View):
    """The project's milestones and deliverables the client may see, as CSV or Excel: one line
    per deliverable (a milestone without one has a line of its own), with their statuses."""

    request: AuthenticatedHttpRequest

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        headers = [
            _("Milestone"),
            _("Due"),
            _("Milestone status"),
            _("Deliverable"),
            _("Deliverable status"),
        ]
        rows = []
        for milestone in milestone_list_for(user=request.user, project=self.project):
            first = [milestone.name, milestone.due_date, milestone.get_status_display()]
            deliverables = list(milestone.deliverables.all())
            if not deliverables:
                rows.append([*first, "", ""])
            for deliverable in deliverables:
                rows.append([*first, deliverable.name, deliverable.get_status_display()])
        return self.export(
            Table(title=_("Deliverables"), headers=headers, rows=rows),
            name=f"{self.project.code}-deliverables",
            day=local_day(self.project.client.time_zone),
        )


class PortalDocumentExportView(PortalPageMixin, ExportFormatMixin, ProjectPageMixin, View):
    """The details of the documents the client may see (never their files) as CSV or Excel, as
    the project page lists them: no internal document, and not who on the team uploaded it."""

    request: AuthenticatedHttpRequest

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        headers = [
            _("Title"),
            _("Milestone"),
            _("Deliverable"),
            _("Version"),
            _("File name"),
            _("Size (bytes)"),
            _("Uploaded"),
            _("From your organisation"),
        ]
        rows = []
        for document in document_list_for(user=request.user, project=self.project):
            latest = next(iter(document.versions.all()), None)
            rows.append(
                [
                    document.title,
                    document.milestone.name if document.milestone else "",
                    document.deliverable.name if document.deliverable else "",
                    document.current_version,
                    latest.original_name if latest else "",
                    latest.size if latest else None,
                    latest.uploaded_at if latest else None,
                    document.is_from_client,
                ]
            )
        return self.export(
            Table(title=_("Documents"), headers=headers, rows=rows),
            name=f"{self.project.code}-documents",
            day=local_day(self.project.client.time_zone),
        )


class PortalProjectMembersView(PortalPageMixin, MembersViewMixin, TemplateView):
    request: AuthenticatedHttpRequest
    template_name = "portal/project_members.html"
    members_url_name = "portal:project_members"
    url_prefix = "portal:project_"


class PortalMembersExportView(PortalPageMixin, MembersExportMixin, View):
    pass


class PortalMemberInviteView(MemberInviteMixin, PortalProjectMembersView):
    pass


class PortalInvitationRevokeView(InvitationRevokeMixin, PortalProjectMembersView):
    pass


class PortalMemberChangeRoleView(MemberChangeRoleMixin, PortalProjectMembersView):
    pass


class PortalMemberRemoveView(MemberRemoveMixin, PortalProjectMembersView):
    pass


class PortalDeliverableView(PortalPageMixin, ProjectPageMixin, TemplateView):
    """A deliverable as the client sees it: criteria, the rounds so far, and for a client admin
    or customer representative the accept / reject form while it awaits their answer."""

    request: AuthenticatedHttpRequest

    template_name = "portal/deliverable.html"

    def get_deliverable(self) -> Deliverable:
        deliverable = deliverable_get_for(
            user=self.request.user,
            project=self.project,
            deliverable_id=self.kwargs["deliverable_id"],
        )
        # One of the page's project: the project already loaded, not read again.
        deliverable.project = self.project
        return deliverable

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        deliverable = kwargs.get("deliverable") or self.get_deliverable()
        criteria = list(deliverable.criteria.all())
        awaits_client = (
            deliverable.status == Deliverable.Status.SUBMITTED and not self.project.is_closed
        )
        may_decide = can_accept_deliverable(self.request.user, self.project) and awaits_client
        rounds = list(deliverable_rounds(deliverable=deliverable))
        # The round awaiting the answer, from the rounds read for the timeline (newest first):
        # the earliest unanswered one.
        unanswered = [
            acceptance_round for acceptance_round in rounds if not acceptance_round.decision
        ]
        context.update(
            deliverable=deliverable,
            rounds=rounds,
            documents=document_list_for(
                user=self.request.user, project=self.project, deliverable=deliverable
            ),
            may_decide=may_decide,
            awaits_client=awaits_client,
            open_round=unanswered[-1] if may_decide and unanswered else None,
            decision_form=kwargs.get("decision_form") or AcceptanceDecisionForm(criteria=criteria),
        )
        return context

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        deliverable = self.get_deliverable()
        form = AcceptanceDecisionForm(request.POST, criteria=list(deliverable.criteria.all()))

        def decide(data: dict[str, Any]) -> str:
            if data["decision"] == "accept":
                deliverable_accept(
                    actor=request.user, deliverable=deliverable, comment=data["comment"]
                )
                return _("Thank you: the deliverable is accepted.")
            deliverable_reject(
                actor=request.user,
                deliverable=deliverable,
                failed=[
                    FailedCriterion(criterion_id=pk, reason=reason)
                    for pk, reason in form.failed_criteria()
                ],
                comment=data["comment"],
            )
            return _("The team has your reasons and will resubmit.")

        if done := run_form(form, decide):
            messages.success(request, done.value)
            return redirect(
                "portal:deliverable", project_id=self.project.pk, deliverable_id=deliverable.pk
            )
        return self.render_to_response(
            self.get_context_data(deliverable=deliverable, decision_form=form), status=400
        )


class PortalGateView(PortalPageMixin, ProjectPageMixin, TemplateView):
    """A gate review as the client sees it; the client admin approves or refuses it."""

    request: AuthenticatedHttpRequest

    template_name = "portal/gate.html"

    def get_gate(self) -> PhaseGate:
        return gate_get_for(
            user=self.request.user, project=self.project, gate_id=self.kwargs["gate_id"]
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        gate = kwargs.get("gate") or self.get_gate()
        awaits_client = gate.status == PhaseGate.Status.AWAITING_CLIENT
        context.update(
            gate=gate,
            may_decide=can_approve_phase_gate(self.request.user, self.project) and awaits_client,
            awaits_client=awaits_client,
            form=kwargs.get("form") or GateDecisionForm(),
        )
        return context

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        gate = self.get_gate()
        form = GateDecisionForm(request.POST)
        if run_form(
            form,
            lambda data: phase_gate_decide(
                actor=request.user,
                gate=gate,
                approve=data["decision"] == "approve",
                comment=data["comment"],
            ),
        ):
            messages.success(request, _("Thank you: your decision is recorded."))
            return redirect("portal:gate", project_id=self.project.pk, gate_id=gate.pk)
        return self.render_to_response(self.get_context_data(gate=gate, form=form), status=400)


class PortalDocumentDownloadView(PortalPageMixin, DocumentDownloadMixin, View):
    """A client-visible document of the project; an internal one is a 404 like a missing one."""

    request: AuthenticatedHttpRequest


class PortalDocumentPostView(PortalProjectDetailView):
    """POST only: a document form of the overview, for client admins and representatives (a
    viewer is refused). Done, back to the documents with a message; refused, the overview again
    with the form's errors (400)."""

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_upload_document(request.user, self.project):
            raise PermissionDenied
        return self.change(request)

    def change(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        raise NotImplementedError

    def back(self) -> HttpResponse:
        return redirect(reverse("portal:project", args=[self.project.pk]) + "#documents")


class PortalDocumentUploadView(PortalDocumentPostView):
    def change(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        form = self.upload_form(request.POST, request.FILES)
        if self.upload_document(form):
            messages.success(request, _("Document uploaded: the project team can see it."))
            return self.back()
        return self.render_to_response(self.get_context_data(document_form=form), status=400)


class PortalDocumentVersionUploadView(PortalDocumentPostView):
    def change(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        document = self.posted_document()
        form = DocumentVersionForm(request.POST, request.FILES)
        if self.upload_version(document, form):
            return self.back()
        return self.render_to_response(
            self.get_context_data(version_form=form, document_id=document.pk), status=400
        )


class PortalTimelineView(PortalPageMixin, TimelineViewMixin, TemplateView):
    """The client-visible milestones and tasks on a Gantt chart, with the same as a table."""

    request: AuthenticatedHttpRequest

    template_name = "portal/timeline.html"


class PortalBaselinesView(PortalPageMixin, BaselinesViewMixin, TemplateView):
    """The agreed plan's baselines: the client-visible milestones and tasks of each, compared."""

    request: AuthenticatedHttpRequest

    template_name = "portal/baselines.html"


class PortalTimelinePdfView(PortalPageMixin, TimelinePdfMixin):
    """The plan's PDF from the portal's timeline: client-visible milestones and tasks only."""

    request: AuthenticatedHttpRequest


class PortalSearchView(PortalPageMixin, SearchViewMixin, TemplateView):
    """The client's search: only what the permission layer lets them see."""

    request: AuthenticatedHttpRequest

    template_name = "portal/search.html"
    side = "portal"
