from django.urls import path

from . import reminder_views, views

app_name = "people"

urlpatterns = [
    path("clients/", views.client_list, name="client_list"),
    path("clients/new/", views.client_create, name="client_create"),
    path("clients/<int:pk>/", views.client_detail, name="client_detail"),
    path("clients/<int:pk>/edit/", views.client_edit, name="client_edit"),
    path("clients/<int:pk>/delete/", views.client_delete, name="client_delete"),
    path("clients/<int:pk>/audit/", views.client_audit, name="client_audit"),
    path("clients/<int:pk>/assign/", views.case_assign, name="case_assign"),
    path(
        "clients/<int:pk>/representatives/new/",
        views.representative_form,
        name="representative_create",
    ),
    path(
        "clients/<int:pk>/representatives/<int:rep_pk>/",
        views.representative_form,
        name="representative_edit",
    ),
    path(
        "clients/<int:pk>/representatives/<int:rep_pk>/delete/",
        views.representative_delete,
        name="representative_delete",
    ),
    path("clients/<int:pk>/circle/new/", views.circle_member_form, name="circle_member_create"),
    path(
        "clients/<int:pk>/circle/<int:member_pk>/",
        views.circle_member_form,
        name="circle_member_edit",
    ),
    path(
        "clients/<int:pk>/circle/<int:member_pk>/delete/",
        views.circle_member_delete,
        name="circle_member_delete",
    ),
    path("clients/<int:pk>/consents/new/", views.consent_create, name="consent_create"),
    path("clients/<int:pk>/relations/", views.relations_form, name="relations_form"),
    path(
        "clients/<int:pk>/consents/<int:consent_pk>/revoke/",
        views.consent_revoke,
        name="consent_revoke",
    ),
    path("clients/<int:pk>/reminders/", reminder_views.reminders_opt_in, name="reminders_opt_in"),
    path(
        "clients/<int:pk>/reminders/stop/",
        reminder_views.reminders_opt_out,
        name="reminders_opt_out",
    ),
    path("referrals/", views.referral_list, name="referral_list"),
    path("referrals/new/", views.referral_form, name="referral_create"),
    path("referrals/<int:pk>/", views.referral_form, name="referral_edit"),
    path("referrals/<int:pk>/decide/", views.referral_decide, name="referral_decide"),
]
