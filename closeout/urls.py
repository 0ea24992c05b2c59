from django.urls import path

from closeout import views
from common.exports import export_paths

app_name = "closeout"

closeout = "projects/<int:project_id>/closeout"

urlpatterns = [
    path(f"{closeout}/", views.CloseoutView.as_view(), name="project"),
    path(f"{closeout}/waivers/", views.WaiverAddView.as_view(), name="waiver_add"),
    path(
        f"{closeout}/waivers/<int:waiver_id>/remove/",
        views.WaiverRemoveView.as_view(),
        name="waiver_remove",
    ),
    path(f"{closeout}/request/", views.ClosureRequestView.as_view(), name="request"),
    path(
        f"{closeout}/requests/<int:request_id>/withdraw/",
        views.ClosureWithdrawView.as_view(),
        name="withdraw",
    ),
    path(f"{closeout}/reopen/", views.ReopenView.as_view(), name="reopen"),
    path("portfolio/report/", views.PortfolioReportView.as_view(), name="portfolio_report"),
    *export_paths(
        "portfolio/report",
        views.PortfolioReportExportView,
        csv_name="portfolio_report_csv",
        xlsx_name="portfolio_report_xlsx",
    ),
]
