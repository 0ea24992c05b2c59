"""A deliverable's page: its criteria, the team's quality reviews, submission to the client, the
PM's internal acceptance, its documents and the timeline of every round. Each form posts to a
view of its own."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import StaffPageMixin
from common.pages import run_action, run_form
from projects.forms.deliverables import QualityReviewForm, SubmitForm
from projects.forms.documents import DocumentUploadForm
from projects.mixins import ProjectPageMixin
from projects.models import Deliverable
from projects.permissions import (
    can_accept_deliverable_internally,
    can_edit_plan,
    can_review_quality,
    can_upload_team_document,
)
from projects.selectors import (
    deliverable_get_for,
    deliverable_rounds,
    document_list_for,
    quality_reviews_for,
)
from projects.services.deliverables import deliverable_accept_internally, quality_review_record
from projects.services.documents import deliverable_submit_with_files, document_upload


def deliverable_url(deliverable: Deliverable) -> str:
    return reverse(
        "projects:deliverable",
        kwargs={"project_id": deliverable.project_id, "deliverable_id": deliverable.pk},
    )


class DeliverableDetailView(StaffPageMixin, ProjectPageMixin, TemplateView):
    """A deliverable: its criteria, the team's quality reviews, submission to the client and
    the timeline of every round."""

    request: AuthenticatedHttpRequest

    template_name = "projects/deliverable_detail.html"

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
        user = self.request.user
        is_open = not self.project.is_closed
        context.update(
            deliverable=deliverable,
            rounds=deliverable_rounds(deliverable=deliverable),
            reviews=quality_reviews_for(user=user, deliverable=deliverable),
            may_review=is_open and can_review_quality(user, self.project),
            may_submit=is_open
            and can_edit_plan(user, self.project)
            and deliverable.is_client_visible,
            may_accept_internally=is_open
            and can_accept_deliverable_internally(user, self.project)
            and not deliverable.is_client_visible,
            review_form=kwargs.get("review_form") or QualityReviewForm(),
            submit_form=kwargs.get("submit_form") or SubmitForm(),
            documents=document_list_for(user=user, project=self.project, deliverable=deliverable),
            may_upload=is_open and can_upload_team_document(user, self.project),
            document_form=kwargs.get("document_form") or DocumentUploadForm(),
        )
        return context


class DeliverablePostView(DeliverableDetailView):
    """POST only: one form of the deliverable's page. Done, back to the deliverable with a
    message; an invalid form shows the page again with its errors (400)."""

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.change(request, self.get_deliverable())

    def change(self, request: AuthenticatedHttpRequest, deliverable: Deliverable) -> HttpResponse:
        raise NotImplementedError

    def done(
        self, request: AuthenticatedHttpRequest, deliverable: Deliverable, message: str
    ) -> HttpResponse:
        messages.success(request, message)
        return redirect(deliverable_url(deliverable))

    def failed(self, deliverable: Deliverable, **forms: Any) -> HttpResponse:
        return self.render_to_response(
            self.get_context_data(deliverable=deliverable, **forms), status=400
        )


class QualityReviewView(DeliverablePostView):
    def change(self, request: AuthenticatedHttpRequest, deliverable: Deliverable) -> HttpResponse:
        form = QualityReviewForm(request.POST)
        if run_form(
            form,
            lambda data: quality_review_record(actor=request.user, deliverable=deliverable, **data),
        ):
            return self.done(request, deliverable, _("Quality review recorded."))
        return self.failed(deliverable, review_form=form)


class DeliverableSubmitView(DeliverablePostView):
    def change(self, request: AuthenticatedHttpRequest, deliverable: Deliverable) -> HttpResponse:
        form = SubmitForm(request.POST, request.FILES)
        if run_form(
            form,
            lambda data: deliverable_submit_with_files(
                actor=request.user, deliverable=deliverable, note=data["note"], files=data["files"]
            ),
        ):
            return self.done(request, deliverable, _("Submitted to the client for acceptance."))
        return self.failed(deliverable, submit_form=form)


class DeliverableAcceptInternallyView(DeliverablePostView):
    def change(self, request: AuthenticatedHttpRequest, deliverable: Deliverable) -> HttpResponse:
        if not can_accept_deliverable_internally(request.user, self.project):
            raise PermissionDenied
        run_action(
            request,
            lambda: deliverable_accept_internally(actor=request.user, deliverable=deliverable),
            success=_("Deliverable accepted internally."),
        )
        return redirect(deliverable_url(deliverable))


class DeliverableDocumentUploadView(DeliverablePostView):
    def change(self, request: AuthenticatedHttpRequest, deliverable: Deliverable) -> HttpResponse:
        if not can_upload_team_document(request.user, self.project):
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
            return self.done(request, deliverable, _("Document uploaded."))
        return self.failed(deliverable, document_form=form)
