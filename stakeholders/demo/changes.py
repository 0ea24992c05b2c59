"""Demo change requests (called by `manage.py seed_demo`; once: a project that already has change
requests is left alone): for NW-WMS one approved by both sides (the plan and budget moved) and one
awaiting the client admin; for HX-MES one in Chinese awaiting the client, which re-baselines the
plan once approved. The approved one's added scope is a task of its own (its budget pays for it;
the rest of its cost is contingency)."""

from __future__ import annotations

from decimal import Decimal

from accounts.models import User
from projects.models import BudgetChange, Project, Task, Visibility
from projects.services.tasks import task_create
from stakeholders.services.changes import (
    change_request_approve,
    change_request_assess,
    change_request_create,
)


def _milestone_ids(project: Project) -> list[int]:
    return list(project.milestones.order_by("due_date", "id").values_list("pk", flat=True))


def _requirement_ids(project: Project, *titles: str) -> list[int]:
    return list(
        project.requirements.filter(title__in=titles, visibility=Visibility.CLIENT).values_list(
            "pk", flat=True
        )
    )


def seed_change_requests(*, people: dict[str, User]) -> int:
    created = 0
    project = Project.objects.filter(code="NW-WMS").first()
    if project is not None and not project.change_requests.exists():
        pm = people["pm@rapport.example"]
        client_admin = people["admin@northwind.example"]
        milestones = _milestone_ids(project)
        approved = change_request_create(
            actor=people["rep@northwind.example"],
            project=project,
            title="Add handheld barcode scanners to goods-in",
            description="Receiving staff scan pallets at the dock instead of typing SSCC codes.",
            reason="Typing errors at goods-in cause **two mis-stocked pallets a day**.",
            requirements=_requirement_ids(project, "Scan pallets at the dock"),
        )
        change_request_assess(
            actor=pm,
            change_request=approved,
            scope_impact="Scanner integration for the goods-in screens; two more test runs.",
            cost_impact=Decimal("8400.00"),
            contingency_impact=Decimal("1400.00"),
            schedule=dict.fromkeys(milestones[-2:], 7),
            internal_note="6 days of integration at 110/h, 2 days of testing; 12% margin.",
        )
        change_request_approve(actor=pm, change_request=approved)
        change_request_approve(actor=client_admin, change_request=approved)
        scanners = task_create(
            actor=pm,
            project=project,
            name="Integrate the dock scanners",
            estimate_hours=Decimal(56),
            visibility=Visibility.CLIENT,
        )
        Task.objects.filter(pk=scanners.pk).update(
            budget_change=BudgetChange.objects.get(project=project, change_reference="CR-1")
        )
        pending = change_request_create(
            actor=pm,
            project=project,
            title="Drop the legacy label printer driver",
            description="Print labels through the new cloud print service only.",
            reason="The old driver is out of support at the end of the year.",
        )
        change_request_assess(
            actor=pm,
            change_request=pending,
            scope_impact="Removes the legacy driver work package.",
            cost_impact=Decimal("-1500.00"),
            schedule=dict.fromkeys(milestones[-1:], -3),
            internal_note="Saves 2 days of the team's time.",
        )
        change_request_approve(actor=pm, change_request=pending)
        created += 2
    project = Project.objects.filter(code="HX-MES").first()
    if project is not None and not project.change_requests.exists():
        pm = people["pm.zh@rapport.example"]
        cr = change_request_create(
            actor=people["rep@huaxing.example"],
            project=project,
            title="增加二号产线的设备数据采集",
            description="二号产线的注塑机也接入 MES,实时采集开机率和良品率。",
            reason="二号产线下季度扩产,需要**实时**掌握设备状态。",
            requirements=_requirement_ids(project, "设备停机原因统计"),
        )
        change_request_assess(
            actor=pm,
            change_request=cr,
            scope_impact="新增 12 台设备的数据接口和看板。",
            cost_impact=Decimal("36000.00"),
            schedule=dict.fromkeys(_milestone_ids(project)[-1:], 10),
            rebaseline=True,
            internal_note="接口开发 15 人天,现场调试 5 人天。",
        )
        created += 1
    return created
