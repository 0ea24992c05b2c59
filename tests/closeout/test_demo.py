"""The demo shows two projects closed through the closeout, with the client's acceptance."""

from __future__ import annotations

from closeout.checklist import closeout_checklist
from closeout.models import ClosureRequest, Waiver
from feedback.models import CampaignTrigger, SurveyAutomation
from projects.models import Phase, Project
from tests.config.test_seed_demo import seed


def test_demo_has_two_projects_closed_with_final_acceptance(db):
    seed()
    closed = Project.objects.filter(phase=Phase.CLOSED).order_by("code")
    assert [project.code for project in closed] == ["HX-QMS", "NW-DOCK"]
    for project in closed:
        request = ClosureRequest.objects.get(project=project)
        assert request.status == ClosureRequest.Status.ACCEPTED
        assert request.decided_by.organization == project.client
        assert all(entry["holds"] for entry in request.accepted_checklist)
        assert closeout_checklist(project).holds
        assert Waiver.objects.get(project=project).point == "final_report"
    # The final survey is the AM's survey on close.
    assert (
        SurveyAutomation.objects.filter(
            project__in=closed, trigger=CampaignTrigger.PROJECT_CLOSED, is_active=True
        ).count()
        == 2
    )
