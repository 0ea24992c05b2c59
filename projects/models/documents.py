from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.text import SHORT_TEXT_MAX_LENGTH
from projects.models.core import Project, Visibility
from projects.models.delivery import AcceptanceRound, Deliverable, Milestone
from projects.storage import DocumentStorage, document_upload_to


class Document(models.Model):
    """A versioned file of a project, optionally about a milestone or a deliverable.

    Internal by default when the team uploads it; client-visible, always, when the client does
    (is_from_client). The client sees it only if it is client-visible and so are the milestone
    and deliverable it belongs to (projects.selectors.documents)."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="documents"
    )
    milestone = models.ForeignKey(
        Milestone,
        verbose_name=_("milestone"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
    )
    deliverable = models.ForeignKey(
        Deliverable,
        verbose_name=_("deliverable"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
    )
    title = models.CharField(_("title"), max_length=200)
    visibility = models.CharField(
        _("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    current_version = models.PositiveIntegerField(_("current version"), default=0)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["project", "visibility"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_from_client(self) -> bool:
        """Uploaded by the client's side (a client admin or representative): it stays visible to
        the client, and only the client and the team add versions to it. Read from the person
        who created it (load `created_by` with it)."""
        return self.created_by.is_client_user


class DocumentVersion(models.Model):
    """One uploaded file of a document; versions are numbered 1, 2, ... and never change."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(
        _("file"), storage=DocumentStorage(), upload_to=document_upload_to, max_length=200
    )
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("type"), max_length=120)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True, max_length=SHORT_TEXT_MAX_LENGTH)
    acceptance_round = models.ForeignKey(
        AcceptanceRound,
        verbose_name=_("acceptance round"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="document_versions",
        help_text=_("The submission to the client this file was attached to."),
    )

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="document_version_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"
