from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("<int:job_id>/", views.job_detail, name="detail"),
    path("<int:job_id>/fails/", views.job_download, name="download"),
    path("parrekins/", views.ledger_rebuild, name="ledger_rebuild"),
]
