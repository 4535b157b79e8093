"""URLs of delivery: the provider's clients, sessions, import, calendar, rules, emergencies."""

from django.urls import path

from . import cancel_views, grid_views, import_views, sheet_views, views

app_name = "delivery"

urlpatterns = [
    path("clients/", views.my_clients, name="my_clients"),
    path("clients/<int:pk>/", views.client_detail, name="client_detail"),
    path("clients/<int:pk>/sheet/", sheet_views.attendance_sheet, name="attendance_sheet"),
    path("sheets/", sheet_views.attendance_batch, name="attendance_batch"),
    path("letters/<int:pk>/sessions/new/", views.session_create, name="session_create"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path(
        "sessions/<int:pk>/accept-duration/",
        views.session_accept_duration,
        name="session_accept_duration",
    ),
    path(
        "sessions/<int:pk>/no-evidence/",
        views.session_accept_no_evidence,
        name="session_accept_no_evidence",
    ),
    path("sessions/<int:pk>/evidence/", views.session_evidence, name="session_evidence"),
    path("awaiting/", views.awaiting, name="awaiting"),
    path("import/", import_views.session_import, name="import"),
    path("import/jobs/", import_views.import_jobs, name="import_jobs"),
    path("import/<int:job_id>/", import_views.import_job, name="import_job"),
    path("import/<int:job_id>/status/", import_views.import_status, name="import_status"),
    path("calendar/", views.calendar, name="calendar"),
    path("grid/", grid_views.grid, name="grid"),
    path("group/", grid_views.group_session, name="group_session"),
    path("week/", views.week, name="week"),
    path("emergencies/", views.emergency_list, name="emergency_list"),
    path("emergencies/new/", views.emergency_declare, name="emergency_declare"),
    path("emergencies/<int:pk>/end/", views.emergency_end, name="emergency_end"),
    path("no-show-rules/", views.no_show_rules, name="no_show_rules"),
    path("cancellations/", cancel_views.cancellations, name="cancellations"),
    path("letters/<int:pk>/cancel/", cancel_views.cancellation_create, name="cancellation_create"),
    path("sessions/<int:pk>/cancel/", cancel_views.session_cancel_page, name="session_cancel"),
    path("clients/<int:pk>/remote-quality/", cancel_views.remote_quality, name="remote_quality"),
]
