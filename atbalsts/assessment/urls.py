from django.urls import path

from . import views

app_name = "assessment"

urlpatterns = [
    path("clients/<int:client_pk>/new/", views.assessment_create, name="assessment_create"),
    path("<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("<int:pk>/edit/", views.assessment_edit, name="assessment_edit"),
    path("<int:pk>/complete/", views.assessment_complete, name="assessment_complete"),
    path(
        "<int:pk>/conclusions/<int:conclusion_pk>/document/",
        views.conclusion_document,
        name="conclusion_document",
    ),
    path("clients/<int:client_pk>/periods/new/", views.period_create, name="period_create"),
    path("periods/<int:pk>/compute/", views.budget_compute, name="budget_compute"),
    path("budgets/<int:pk>/", views.budget_detail, name="budget_detail"),
    path("budgets/<int:pk>/override/", views.override_propose, name="override_propose"),
    path("overrides/<int:pk>/decide/", views.override_decide, name="override_decide"),
    path("rules/", views.rule_list, name="rule_list"),
    path("rules/new/", views.rule_create, name="rule_create"),
    path("rules/<int:pk>/", views.rule_detail, name="rule_detail"),
    path("rules/<int:pk>/edit/", views.rule_edit, name="rule_edit"),
]
