from django.urls import path

from . import views

app_name = "bundle"

urlpatterns = [
    path("", views.bundle_page, name="import"),
    path("jobs/", views.import_jobs, name="jobs"),
    path("jobs/<int:job_id>/", views.job_page, name="job"),
    path("jobs/<int:job_id>/status/", views.job_status, name="job_status"),
    path("runs/", views.import_runs, name="runs"),
]
