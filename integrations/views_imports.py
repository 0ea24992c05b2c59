"""The PM's import of milestones, tasks, requirements or risks from a spreadsheet: the page with
the formats and templates, the preview of a file (a dry run: every row with its errors, nothing
written), the import of the previewed file, and the template downloads.

Between the preview and the import the file waits in the person's session (one per project);
the confirm form carries the preview signed (project, person, kind and the file's SHA-256), so
that only the file previewed can be imported. The import checks every row again: if anything
changed meanwhile, nothing is written and the new preview is shown."""

from __future__ import annotations

import base64
from typing import Any

from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView, View

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import StaffPageMixin
from common.csv import csv_response
from common.pages import run_action, run_form
from integrations.forms import ImportConfirmForm, ImportForm
from integrations.import_reading import MAX_BYTES
from integrations.import_templates import column_docs, template_csv_rows, template_xlsx
from integrations.imports import KINDS, ImportReport, import_file
from projects.mixins import ProjectPageMixin

SESSION_KEY = "pending_imports"
SIGNING_SALT = "integrations.imports.preview"
# A preview older than this is not imported: the person checks the file again.
PREVIEW_MAX_AGE = 60 * 60
LIST_PAGES = {
    "milestones": "projects:plan",
    "tasks": "projects:tasks",
    "requirements": "stakeholders:requirements",
    "risks": "risks:register",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportPageMixin(StaffPageMixin, ProjectPageMixin):
    """A page of the import: the project's PM only."""

    project_permission = "projects.edit_plan"


class ImportView(ImportPageMixin, TemplateView):
    request: AuthenticatedHttpRequest
    template_name = "integrations/import.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or ImportForm()
        context["kinds"] = [(kind, column_docs(kind)) for kind in KINDS.values()]
        return context


def _preview(
    request: AuthenticatedHttpRequest, view: ImportPageMixin, report: ImportReport, status: int
) -> HttpResponse:
    token = signing.dumps(
        {
            "project": view.project.pk,
            "user": request.user.pk,
            "kind": report.kind.key,
            "digest": report.digest,
        },
        salt=SIGNING_SALT,
    )
    context = {
        "project": view.project,
        "report": report,
        "columns": report.header,
        "confirm_form": ImportConfirmForm(initial={"preview": token}),
    }
    return render(request, "integrations/import_preview.html", context, status=status)


class ImportPreviewView(ImportView):
    """POST only: check the file (a dry run) and show every row with its errors."""

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ImportForm(request.POST, request.FILES)
        project = self.project

        def check(data: dict[str, Any]) -> tuple[ImportReport, bytes]:
            upload = data["file"]
            content = upload.read(MAX_BYTES + 1)
            report = import_file(
                actor=request.user,
                project=project,
                kind=data["kind"],
                content=content,
                filename=upload.name or "",
                dry_run=True,
            )
            return report, content

        done = run_form(form, check)
        if done is None:
            return self.render_to_response(self.get_context_data(form=form), status=400)
        report, content = done.value
        pending = request.session.get(SESSION_KEY, {})
        pending[str(project.pk)] = {
            "kind": report.kind.key,
            "name": form.cleaned_data["file"].name,
            "digest": report.digest,
            "content": base64.b64encode(content).decode(),
        }
        request.session[SESSION_KEY] = pending
        return _preview(request, self, report, 200 if report.is_valid else 400)


class ImportConfirmView(ImportPageMixin, View):
    """POST only: import the previewed file, all its rows in one transaction or none."""

    request: AuthenticatedHttpRequest
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        pending = self._pending(request)
        if pending is None:
            messages.error(
                request, _("This preview is no longer available: choose the file again.")
            )
            return redirect("integrations:import", project_id=self.project.pk)
        done = run_action(
            request,
            lambda: import_file(
                actor=request.user,
                project=self.project,
                kind=pending["kind"],
                content=base64.b64decode(pending["content"]),
                filename=pending["name"],
                dry_run=False,
            ),
        )
        if done is None:
            return redirect("integrations:import", project_id=self.project.pk)
        report = done.value
        if not report.written:
            messages.error(
                request,
                _(
                    "Something changed since the preview: nothing was imported. Here is the file "
                    "checked again."
                ),
            )
            return _preview(request, self, report, 400)
        request.session[SESSION_KEY] = {
            key: value
            for key, value in request.session.get(SESSION_KEY, {}).items()
            if key != str(self.project.pk)
        }
        count = len(report.rows)
        messages.success(
            request,
            ngettext(
                "%(count)d row of %(kind)s imported.", "%(count)d rows of %(kind)s imported.", count
            )
            % {"count": count, "kind": report.kind.label},
        )
        return redirect(LIST_PAGES[report.kind.key], project_id=self.project.pk)

    def _pending(self, request: AuthenticatedHttpRequest) -> dict[str, str] | None:
        """The file waiting in the session, if it is the one the signed preview names."""
        form = ImportConfirmForm(request.POST)
        if not form.is_valid():
            return None
        try:
            preview = signing.loads(
                form.cleaned_data["preview"], salt=SIGNING_SALT, max_age=PREVIEW_MAX_AGE
            )
        except signing.BadSignature:
            return None
        pending: dict[str, str] | None = request.session.get(SESSION_KEY, {}).get(
            str(self.project.pk)
        )
        if (
            pending is None
            or preview.get("project") != self.project.pk
            or preview.get("user") != request.user.pk
            or preview.get("kind") != pending["kind"]
            or preview.get("digest") != pending["digest"]
        ):
            return None
        return pending


class ImportTemplateView(ImportPageMixin, View):
    """A kind's template, as CSV or Excel, with an example row that imports as it is."""

    request: AuthenticatedHttpRequest
    http_method_names = ["get"]

    def get(
        self,
        request: AuthenticatedHttpRequest,
        *args: Any,
        kind: str,
        extension: str,
        **kwargs: Any,
    ) -> HttpResponse:
        import_kind = KINDS.get(kind)
        if import_kind is None or extension not in ("csv", "xlsx"):
            raise Http404
        filename = f"{import_kind.key}-import-template.{extension}"
        if extension == "csv":
            header, rows = template_csv_rows(import_kind, actor=request.user, project=self.project)
            return csv_response(filename, header, rows)
        body = template_xlsx(import_kind, actor=request.user, project=self.project)
        response = HttpResponse(body, content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
