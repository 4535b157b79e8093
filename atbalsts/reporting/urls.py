from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.home, name="home"),
    path("reports/pilot/", views.pilot_report, name="pilot_report"),
    path("reports/extract/", views.research_extract, name="research_extract"),
    path("reports/pilot/<str:fmt>/", views.pilot_report_download, name="pilot_report_download"),
    path("reports/caseload/", views.caseload, name="caseload"),
]
