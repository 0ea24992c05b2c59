"""Demo requirements: NW-WMS and HX-MES (in Chinese) get a requirement in every state, walked
through the services (so the history, versions, confirmations and notifications are real).
Once: a project that already has requirements is left alone."""

from __future__ import annotations

from typing import TYPE_CHECKING

from projects.models import Project, Visibility
from stakeholders.services.requirements import (
    requirement_confirm,
    requirement_create,
    requirement_transition,
    requirement_update,
)

if TYPE_CHECKING:
    from accounts.models import User

# (title, description, priority, who writes it: "client" | "team" | "internal", the steps)
# A step is a transition name, "confirm", "edit" (a new version after confirmation), or
# ("defer" | "reject", reason).
STORIES: dict[str, list[tuple]] = {
    "NW-WMS": [
        (
            "Scan pallets at the dock",
            "Every inbound pallet is scanned **once** at the dock door.",
            "must",
            "team",
            [],
        ),
        (
            "Export stock levels to CSV",
            "Daily export for the finance team.",
            "should",
            "client",
            [],
        ),
        (
            "Pick by zone",
            "Pickers get tasks grouped by zone:\n\n- zone A\n- zone B",
            "must",
            "team",
            ["clarify"],
        ),
        (
            "Cycle counts on handhelds",
            "Counters record cycle counts on the handheld scanners.",
            "must",
            "team",
            ["clarify", "confirm"],
        ),
        (
            "Label printing per carrier",
            "Shipping labels in each carrier's format.",
            "must",
            "team",
            ["clarify", "confirm", "start"],
        ),
        (
            "Returns workflow",
            "Returned goods are inspected and restocked or scrapped.",
            "should",
            "team",
            ["clarify", "confirm", "start", "deliver"],
        ),
        (
            "Single sign-on",
            "Warehouse staff sign in with their Northwind accounts.",
            "must",
            "team",
            ["clarify", "confirm", "start", "deliver", "accept"],
        ),
        (
            "Voice picking",
            "Hands-free picking by voice.",
            "could",
            "team",
            [("defer", "Not before the second phase: hardware budget in 2027.")],
        ),
        (
            "Drone inventory",
            "Drones count high-bay stock.",
            "wont",
            "client",
            [("reject", "Outside the agreed scope; a change request can bring it back.")],
        ),
        (
            "Slotting rules",
            "Fast movers go to the golden zone.",
            "should",
            "team",
            ["clarify", "confirm", "edit"],
        ),
        (
            "Load test at 3x peak",
            "Internal: prove 3x the December peak before go-live.",
            "must",
            "internal",
            [],
        ),
    ],
    "HX-MES": [
        ("工单下达到产线", "计划员把**工单**直接下达到各条产线。", "must", "team", []),
        ("设备停机原因统计", "按班次统计停机原因。", "should", "client", []),
        (
            "质检数据采集",
            "质检员在平板上录入检验结果：\n\n- 首检\n- 巡检",
            "must",
            "team",
            ["clarify"],
        ),
        ("物料追溯", "每个批次可追溯到原材料供应商。", "must", "team", ["clarify", "confirm"]),
        (
            "产线看板",
            "车间大屏实时显示产量与良率。",
            "should",
            "team",
            ["clarify", "confirm", "start"],
        ),
        (
            "与 ERP 对接",
            "工单与库存数据每小时同步到 ERP。",
            "must",
            "team",
            ["clarify", "confirm", "start", "deliver"],
        ),
        (
            "中文界面",
            "全部界面使用简体中文。",
            "must",
            "team",
            ["clarify", "confirm", "start", "deliver", "accept"],
        ),
        (
            "移动端审批",
            "主管在手机上审批工单变更。",
            "could",
            "team",
            [("defer", "放到第二期，先完成核心功能。")],
        ),
        (
            "人脸识别考勤",
            "产线工人刷脸考勤。",
            "wont",
            "client",
            [("reject", "不在合同范围内，可提交变更请求。")],
        ),
        ("能耗监控", "按设备统计用电量。", "should", "team", ["clarify", "confirm", "edit"]),
        ("性能压测", "内部：上线前验证三倍峰值负载。", "must", "internal", []),
    ],
}


def seed_requirements(*, people: dict[str, User]) -> int:
    created = 0
    for code, stories in STORIES.items():
        project = Project.objects.filter(code=code).first()
        if project is None or project.requirements.exists():
            continue
        chinese = code == "HX-MES"
        pm = people["pm.zh@rapport.example" if chinese else "pm@rapport.example"]
        client = people["rep@huaxing.example" if chinese else "rep@northwind.example"]
        for title, description, priority, author, steps in stories:
            requirement = requirement_create(
                actor=client if author == "client" else pm,
                project=project,
                title=title,
                description=description,
                priority=priority,
                visibility=Visibility.INTERNAL if author == "internal" else Visibility.CLIENT,
            )
            created += 1
            for step in steps:
                if isinstance(step, tuple):
                    requirement_transition(
                        actor=pm, requirement=requirement, to=step[0], reason=step[1]
                    )
                elif step in {"confirm", "accept"}:
                    if step == "confirm":
                        requirement_confirm(
                            actor=client, requirement=requirement, version=requirement.version
                        )
                    else:
                        requirement_transition(actor=client, requirement=requirement, to=step)
                elif step == "edit":
                    requirement_update(
                        actor=pm,
                        requirement=requirement,
                        description=requirement.description
                        + (
                            "\n\n（第二版：增加按班次汇总。）"
                            if chinese
                            else "\n\n(v2: per shift too.)"
                        ),
                    )
                else:
                    requirement_transition(actor=pm, requirement=requirement, to=step)
                requirement.refresh_from_db()
    return created
