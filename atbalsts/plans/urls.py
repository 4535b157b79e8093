from django.urls import path

from . import views
from .views import batches, letter_contracts, pauses, picks

app_name = "plans"

urlpatterns = [
    path("clients/<int:client_pk>/", views.plan_list, name="plan_list"),
    path("clients/<int:client_pk>/new/", views.plan_create, name="plan_create"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/letters/", views.letter_list, name="letter_list"),
    path("versions/<int:pk>/", views.version_detail, name="version_detail"),
    path("versions/<int:pk>/edit/", views.version_edit, name="version_edit"),
    path("versions/<int:pk>/goals/new/", views.goal_form, name="goal_create"),
    path("versions/<int:pk>/goals/from-assessment/", picks.goal_picks, name="goal_picks"),
    path("versions/<int:pk>/goals/<int:goal_pk>/edit/", views.goal_form, name="goal_edit"),
    path("versions/<int:pk>/goals/<int:goal_pk>/delete/", views.goal_delete, name="goal_delete"),
    path("versions/<int:pk>/lines/new/", views.line_form, name="line_create"),
    path("versions/<int:pk>/lines/price/", views.line_price, name="line_price"),
    path("versions/<int:pk>/lines/<int:line_pk>/edit/", views.line_form, name="line_edit"),
    path("versions/<int:pk>/lines/<int:line_pk>/delete/", views.line_delete, name="line_delete"),
    path("versions/<int:pk>/overrun/", views.overrun_approve, name="overrun_approve"),
    path(
        "versions/<int:pk>/lines/<int:line_pk>/price/",
        views.line_price_approve,
        name="line_price_approve",
    ),
    path("versions/<int:pk>/agree/", views.version_agree, name="version_agree"),
    path("versions/<int:pk>/activate/", views.version_activate, name="version_activate"),
    path("versions/<int:pk>/new-version/", views.version_new, name="version_new"),
    path("versions/<int:pk>/extend/", views.version_extend, name="version_extend"),
    path("versions/<int:pk>/close/", views.version_close, name="version_close"),
    path("versions/<int:pk>/review/", views.plan_review, name="plan_review"),
    path("versions/<int:pk>/compare/", views.version_compare, name="version_compare"),
    path("versions/<int:pk>/summary/", views.summary, name="summary"),
    path("versions/<int:pk>/summary.pdf", views.summary_pdf, name="summary_pdf"),
    path("versions/<int:pk>/plan.pdf", views.plan_pdf, name="plan_pdf"),
    path("letters/<int:pk>/", views.letter_detail, name="letter_detail"),
    path("letters/<int:pk>/pdf/", views.letter_pdf, name="letter_pdf"),
    path("letters/<int:pk>/contract/", letter_contracts.letter_contract, name="letter_contract"),
    path("<int:pk>/pauses/", pauses.pauses, name="pauses"),
    path("pauses/<int:pk>/end/", pauses.pause_end, name="pause_end"),
    path("letters/month/", batches.letters_batch, name="letters_batch"),
]
