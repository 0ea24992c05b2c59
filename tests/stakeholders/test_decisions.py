"""The decision log: every source in one chronological list, the client's part, the exports."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from common.errors import NotFound
from projects.models import Visibility
from projects.services import gate_checklist, phase_gate_decide, phase_gate_request
from projects.services.acceptance import deliverable_accept
from projects.services.deliverables import (
    deliverable_create,
    deliverable_submit,
    quality_review_record,
)
from projects.services.milestones import milestone_create
from stakeholders.selectors import decisions as decision_module
from stakeholders.selectors.decisions import Decision, decision_log_for, register_decision_source
from stakeholders.services.meetings import meeting_decision_record
from tests.helpers import count_queries
from tests.stakeholders.helpers import DUE, a_meeting, meetings_with_items


def accepted_deliverable(cast, capture, *, name="Runbook", visibility=Visibility.CLIENT):
    milestone = milestone_create(actor=cast.pm, project=cast.project, name="M", due_date=DUE)
    deliverable = deliverable_create(
        actor=cast.pm, milestone=milestone, name=name, criteria=["OK"], visibility=visibility
    )
    quality_review_record(actor=cast.pm, deliverable=deliverable, passed=True)
    with capture(execute=False):
        deliverable_submit(actor=cast.pm, deliverable=deliverable)
    if visibility == Visibility.CLIENT:
        with capture(execute=False):
            deliverable_accept(actor=cast.rep, deliverable=deliverable)
    return deliverable


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


@pytest.fixture
def logged(cast, capture):
    """An accepted deliverable, a passed gate, a client-visible and an internal meeting decision."""
    accepted_deliverable(cast, capture)
    cast.project.gates_need_client_approval = True
    cast.project.save()
    with capture(execute=False):
        gate = phase_gate_request(
            actor=cast.pm, project=cast.project, checked=gate_checklist(cast.project)
        )
        phase_gate_decide(actor=cast.client_admin, gate=gate, approve=True)
    open_meeting = a_meeting(cast.pm, cast.project, title="Steering", visibility="client")
    meeting_decision_record(actor=cast.pm, meeting=open_meeting, text="=HYPERLINK(1)")
    closed_meeting = a_meeting(cast.pm, cast.project, title="Team only")
    meeting_decision_record(
        actor=cast.pm, meeting=closed_meeting, text="Absorb the overrun", decided_by="provider"
    )
    return cast


def test_the_log_gathers_every_source_latest_first(logged):
    log = decision_log_for(user=logged.pm, project=logged.project)

    assert [d.text for d in log][:2] == ["Absorb the overrun", "=HYPERLINK(1)"]
    assert "→" in log[2].text
    assert log[3].text == "Runbook"
    assert [str(d.kind) for d in log] == [
        "Meeting decision",
        "Meeting decision",
        "Phase gate passed",
        "Deliverable accepted",
    ]
    assert log[3].decided_by == str(logged.rep)
    assert str(log[3].side) == "Client"
    assert log[2].decided_by == str(logged.client_admin)
    assert str(log[2].side) == "Client"
    assert [d.decided_at for d in log] == sorted((d.decided_at for d in log), reverse=True)


@pytest.mark.parametrize("role_name", ["client_admin", "rep", "viewer"])
def test_clients_see_the_client_part_of_the_log(logged, role_name):
    log = decision_log_for(user=logged.by_name(role_name), project=logged.project)
    assert "Absorb the overrun" not in [d.text for d in log]
    assert len(log) == 3


def test_other_clients_and_outsiders_get_not_found(logged):
    for role_name in ("other_client_rep", "outsider"):
        with pytest.raises(NotFound):
            decision_log_for(user=logged.by_name(role_name), project=logged.project)


def test_an_internal_deliverable_is_not_in_the_clients_log(cast, capture):
    accepted_deliverable(cast, capture)
    # Accepted, then made internal by the PM: the provider side still sees the decision.
    from projects.models import Deliverable

    Deliverable.objects.update(visibility=Visibility.INTERNAL)
    assert len(decision_log_for(user=cast.pm, project=cast.project)) == 1
    assert decision_log_for(user=cast.rep, project=cast.project) == []


def test_portal_csv_is_the_client_part_and_neutralises_formulas(logged, client):
    client.force_login(logged.rep)
    response = client.get(reverse("stakeholders:portal_decisions_csv", args=(logged.project.pk,)))

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    texts = [row[2] for row in rows[1:]]
    assert "'=HYPERLINK(1)" in texts
    assert "=HYPERLINK(1)" not in texts
    assert "Absorb the overrun" not in response.content.decode()


def test_portal_pages_show_the_client_part(logged, client):
    client.force_login(logged.viewer)
    html = client.get(
        reverse("stakeholders:portal_decisions", args=(logged.project.pk,))
    ).content.decode()
    assert "Runbook" in html
    assert "Absorb the overrun" not in html
    api = client.get(f"/api/v1/projects/{logged.project.pk}/decisions/")
    assert api.status_code == 200
    assert len(api.json()) == 3
    assert "Absorb the overrun" not in api.content.decode()


def test_a_registered_source_plugs_in(cast, monkeypatch):
    monkeypatch.setattr(decision_module, "_SOURCES", list(decision_module._SOURCES))

    def confirmed_requirements(project, client_only):
        return [
            Decision(
                decided_at=timezone.now() - timedelta(days=1),
                kind="Requirement confirmed",
                text="REQ-1",
                decided_by="Rory Rep",
                side="Client",
                staff_url="/",
                portal_url=None,
            )
        ]

    register_decision_source(confirmed_requirements)
    register_decision_source(confirmed_requirements)

    assert [d.text for d in decision_log_for(user=cast.pm, project=cast.project)] == ["REQ-1"]


@pytest.mark.parametrize(
    ("url_name", "user_name"),
    [
        ("stakeholders:decisions", "pm"),
        ("stakeholders:portal_decisions", "rep"),
        ("stakeholders:portal_decisions_csv", "rep"),
    ],
)
def test_the_log_keeps_its_queries_with_5_and_50_decisions(logged, client, url_name, user_name):
    client.force_login(logged.by_name(user_name))
    url = reverse(url_name, args=(logged.project.pk,))
    meetings_with_items(logged.pm, logged.project, logged.rep, 5)
    few = count_queries(client, url)
    meetings_with_items(logged.pm, logged.project, logged.rep, 45)
    many = count_queries(client, url)
    assert many == few


def test_the_log_reads_its_sources_in_one_query(logged, django_assert_num_queries):
    user = logged.pm
    _ = user.project_roles  # the role cache is the permission layer's, not the log's
    with django_assert_num_queries(1 + len(decision_module.decision_sources())):
        decision_log_for(user=user, project=logged.project)


def _pdf_text(response) -> str:
    from pypdf import PdfReader

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def _pdf_fonts(response) -> set[str]:
    from pypdf import PdfReader

    fonts = set()
    for page in PdfReader(io.BytesIO(response.content)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return fonts


def test_the_pdf_is_the_client_part_for_the_client_and_all_for_the_team(logged, client):
    client.force_login(logged.viewer)
    text = _pdf_text(
        client.get(reverse("stakeholders:portal_decisions_pdf", args=(logged.project.pk,)))
    )
    assert "Runbook" in text
    assert "Absorb the overrun" not in text

    client.force_login(logged.pm)
    text = _pdf_text(client.get(reverse("stakeholders:decisions_pdf", args=(logged.project.pk,))))
    assert "Runbook" in text
    assert "Absorb the overrun" in text


def test_the_pdf_renders_chinese_with_a_cjk_font(logged, client, capture):
    logged.viewer.language = "zh-hans"
    logged.viewer.save()
    meeting = a_meeting(logged.pm, logged.project, title="周会", visibility=Visibility.CLIENT)
    meeting_decision_record(actor=logged.pm, meeting=meeting, text="上线日期推迟一周")
    client.force_login(logged.viewer)
    response = client.get(reverse("stakeholders:portal_decisions_pdf", args=(logged.project.pk,)))
    text = _pdf_text(response)
    assert "上线日期推迟一周" in text
    assert "决策记录" in text  # the heading, in the person's language
    # The project's own cut of Noto Sans CJK SC (scripts/build_pdf_fonts.py, `make fonts`).
    assert any("Rapport-Sans-SC" in font for font in _pdf_fonts(response)), _pdf_fonts(response)


def test_the_pdf_loads_nothing_from_outside(logged, client):
    """Text people wrote may name an image on an internal address: the PDF never fetches it."""
    from common.pdf import closed_fetcher

    fetcher = closed_fetcher()
    for url in ("http://127.0.0.1:6379/", "file:///etc/passwd", "https://example.com/x.png"):
        with pytest.raises(ValueError, match=r"disallowed protocol|not allowed"):
            fetcher.fetch(url)
    response = fetcher.fetch("data:text/plain,ok")
    assert response.read() == b"ok"
    response.close()


def test_the_pdf_fetcher_opens_only_the_project_fonts(tmp_path):
    """With the built fonts allowed, every other file is still refused."""
    from common.pdf import closed_fetcher

    font = tmp_path / "font.otf"
    font.write_bytes(b"OTTO")
    fetcher = closed_fetcher(frozenset({font.as_uri()}))
    response = fetcher.fetch(font.as_uri())
    assert response.read() == b"OTTO"
    response.close()
    refused = (
        (tmp_path / "other.otf").as_uri(),
        "file:///etc/passwd",
        "FILE:///etc/passwd",  # a scheme's case does not matter to WeasyPrint
        "File://localhost/etc/passwd",
        "http://127.0.0.1/",
    )
    for url in refused:
        with pytest.raises(ValueError, match=r"not allowed|disallowed protocol"):
            fetcher.fetch(url)
