"""Documents: the project's Documents tab (each of its forms posts to a view of its own) and the
permission-checked downloads."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import StaffPageMixin
from common.errors import NotFound
from common.exports import ExportFormatMixin, Table, local_day
from common.pages import Done, run_action, run_form
from projects.downloads import document_download_response
from projects.forms.documents import DocumentUploadForm, DocumentVersionForm
from projects.mixins import ProjectPageMixin
from projects.models import Document, DocumentVersion, Project, Visibility
from projects.permissions import can_manage_documents, can_upload_team_document
from projects.selectors import (
    deliverable_list_for,
    document_get_for,
    document_list_for,
    document_version_get,
    milestone_list_for,
)
from projects.services.documents import (
    document_delete,
    document_set_visibility,
    document_upload,
)
from projects.views.base import as_int


class DocumentUploadFormsMixin:
    """The upload forms of a project's documents list, on the staff tab and in the portal alike:
    a new document (its milestone and deliverable among those the user may see) and a new
    version, each posted to projects.services.documents.document_upload, which decides what
    the user may upload. A form without a visibility field leaves it to the service."""

    request: AuthenticatedHttpRequest
    project: Project
    upload_form_class: type[DocumentUploadForm] = DocumentUploadForm

    def upload_form(self, *args: Any, **kwargs: Any) -> DocumentUploadForm:
        user, project = self.request.user, self.project
        return self.upload_form_class(
            *args,
            milestones=list(
                milestone_list_for(user=user, project=project)
                .prefetch_related(None)
                .values_list("pk", "name")
            ),
            deliverables=list(
                deliverable_list_for(user=user, project=project).values_list("pk", "name")
            ),
            **kwargs,
        )

    def upload_document(self, form: DocumentUploadForm) -> Done[DocumentVersion] | None:
        request = self.request
        return run_form(
            form,
            lambda values: document_upload(
                actor=request.user,
                project=self.project,
                file=values["file"],
                title=values["title"],
                milestone=_pick(milestone_list_for, request, self.project, values["milestone"]),
                deliverable=_pick(
                    deliverable_list_for, request, self.project, values["deliverable"]
                ),
                visibility=values.get("visibility"),
                note=values["note"],
            ),
        )

    def posted_document(self) -> Document:
        """The document named by the form (NotFound alike for a missing or hidden one)."""
        return document_get_for(
            user=self.request.user,
            project=self.project,
            document_id=as_int(self.request.POST.get("document")),
        )

    def upload_version(
        self, document: Document, form: DocumentVersionForm
    ) -> Done[DocumentVersion] | None:
        done = run_form(
            form,
            lambda data: document_upload(
                actor=self.request.user,
                project=self.project,
                document=document,
                file=data["file"],
                note=data["note"],
            ),
        )
        if done:
            messages.success(
                self.request,
                _("Version %(number)d of %(title)s uploaded.")
                % {"number": done.value.number, "title": document.title},
            )
        return done


class ProjectDocumentsView(
    DocumentUploadFormsMixin, StaffPageMixin, ProjectPageMixin, TemplateView
):
    """Every document of the project with its versions (those the client uploaded marked so);
    the team uploads documents and new versions, the PM sets what the client sees and deletes."""

    request: AuthenticatedHttpRequest

    template_name = "projects/documents.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        may_upload = can_upload_team_document(user, self.project) and not self.project.is_closed
        context.update(
            documents=document_list_for(user=user, project=self.project),
            may_upload=may_upload,
            may_manage=can_manage_documents(user, self.project),
            upload_form=kwargs.get("upload_form") or (self.upload_form() if may_upload else None),
            version_form=DocumentVersionForm(),
            failed_version_form=kwargs.get("version_form"),
            failed_document_id=kwargs.get("document_id"),
            visibility=Visibility,
        )
        return context


class DocumentExportView(StaffPageMixin, ExportFormatMixin, ProjectPageMixin, View):
    """The documents' metadata (never their files) as CSV or Excel, as the team's list shows
    them: which are internal, the current version and who uploaded it."""

    request: AuthenticatedHttpRequest

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        headers = [
            _("Title"),
            _("Milestone"),
            _("Deliverable"),
            _("Version"),
            _("File name"),
            _("Size (bytes)"),
            _("Uploaded by"),
            _("Uploaded"),
            _("Visibility"),
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
                    latest.uploaded_by.display_name if latest else "",
                    latest.uploaded_at if latest else None,
                    document.get_visibility_display(),
                ]
            )
        return self.export(
            Table(title=_("Documents"), headers=headers, rows=rows),
            name=f"{self.project.code}-documents",
            day=local_day(self.project.client.time_zone),
        )


class DocumentPostView(ProjectDocumentsView):
    """POST only: one form of the Documents tab, for those `allowed`. Done, back to the tab with
    a message; an invalid form shows the tab again with its errors (400)."""

    http_method_names = ["post"]
    allowed = staticmethod(can_upload_team_document)

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not self.allowed(request.user, self.project):
            raise PermissionDenied
        return self.change(request)

    def change(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        raise NotImplementedError

    def back(self) -> HttpResponse:
        return redirect("projects:documents", project_id=self.project.pk)

    def document(self, request: AuthenticatedHttpRequest) -> Document:
        return self.posted_document()


class DocumentUploadView(DocumentPostView):
    def change(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        form = self.upload_form(request.POST, request.FILES)
        if self.upload_document(form):
            messages.success(request, _("Document uploaded."))
            return self.back()
        return self.render_to_response(self.get_context_data(upload_form=form), status=400)


class DocumentVersionUploadView(DocumentPostView):
    def change(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        document = self.document(request)
        form = DocumentVersionForm(request.POST, request.FILES)
        if self.upload_version(document, form):
            return self.back()
        return self.render_to_response(
            self.get_context_data(version_form=form, document_id=document.pk), status=400
        )


class DocumentVisibilityView(DocumentPostView):
    allowed = staticmethod(can_manage_documents)

    def change(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        document = self.document(request)
        run_action(
            request,
            lambda: document_set_visibility(
                actor=request.user,
                document=document,
                visibility=request.POST.get("visibility", ""),
            ),
            success=_("Visibility changed."),
        )
        return self.back()


class DocumentDeleteView(DocumentPostView):
    allowed = staticmethod(can_manage_documents)

    def change(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        document = self.document(request)
        run_action(
            request,
            lambda: document_delete(actor=request.user, document=document),
            success=_("Document deleted."),
        )
        return self.back()


def _pick(selector: Any, request: AuthenticatedHttpRequest, project: Any, pk: int | None) -> Any:
    """The milestone or deliverable `pk` among those the user may see (None for none chosen)."""
    if pk is None:
        return None
    item = selector(user=request.user, project=project).filter(pk=pk).first()
    if item is None:
        raise NotFound()
    return item


class DocumentDownloadMixin(ProjectPageMixin):
    """Serves a version of a document the user may see (the current one, or ?version=N); a
    missing document, version or one the user may not see is a 404 alike."""

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        document = document_get_for(
            user=request.user, project=self.project, document_id=kwargs["document_id"]
        )
        number = None
        if "version" in request.GET:
            number = as_int(request.GET["version"])
            if number < 1:
                raise NotFound()
        version = document_version_get(document=document, number=number)
        return document_download_response(version, inline=request.GET.get("inline") == "1")


class DocumentDownloadView(StaffPageMixin, DocumentDownloadMixin, View):
    request: AuthenticatedHttpRequest
