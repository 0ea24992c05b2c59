"""Reads for projects, always scoped to what the user may see; one module per subject."""

from projects.selectors.core import (
    client_get_for_account_manager,
    client_list_for_account_manager,
    deliverable_get_for,
    deliverable_list_for,
    deliverable_rounds,
    deliverables_awaiting_decision_for,
    membership_list_for,
    milestone_list_for,
    objective_list_for,
    organization_list_for,
    project_get_for,
    project_ids_with_role,
    project_list_for,
    quality_reviews_for,
)
from projects.selectors.documents import (
    document_get_for,
    document_list_for,
    document_version_get,
)
from projects.selectors.gates import gate_get_for, gate_list_for, gates_awaiting_decision_for
from projects.selectors.portfolio import (
    ClientProgress,
    PortfolioFilters,
    client_progress_for,
    portfolio_client_choices,
    project_glance_for,
    project_portfolio_for,
)

__all__ = [
    "ClientProgress",
    "PortfolioFilters",
    "client_get_for_account_manager",
    "client_list_for_account_manager",
    "client_progress_for",
    "deliverable_get_for",
    "deliverable_list_for",
    "deliverable_rounds",
    "deliverables_awaiting_decision_for",
    "document_get_for",
    "document_list_for",
    "document_version_get",
    "gate_get_for",
    "gate_list_for",
    "gates_awaiting_decision_for",
    "membership_list_for",
    "milestone_list_for",
    "objective_list_for",
    "organization_list_for",
    "portfolio_client_choices",
    "project_get_for",
    "project_glance_for",
    "project_ids_with_role",
    "project_list_for",
    "project_portfolio_for",
    "quality_reviews_for",
]
