from django.urls import path

from . import credit_views, views

app_name = "billing"

urlpatterns = [
    path("invoices/", views.invoice_list, name="invoice_list"),
    path("invoices/submit/", views.invoice_submit, name="invoice_submit"),
    path("invoices/paper/", views.invoice_paper, name="invoice_paper"),
    path("invoices/export/", views.invoice_export, name="invoice_export"),
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice_detail"),
    path("invoices/<int:pk>/recheck/", views.invoice_recheck, name="invoice_recheck"),
    path("invoices/<int:pk>/confirm/", views.invoice_confirm, name="invoice_confirm"),
    path("invoices/<int:pk>/approve/", views.invoice_approve, name="invoice_approve"),
    path("invoices/<int:pk>/reject/", views.invoice_reject, name="invoice_reject"),
    path("invoices/<int:pk>/pay/", views.invoice_pay, name="invoice_pay"),
    path("invoices/<int:pk>/credit/", credit_views.credit_note_create, name="credit_note_create"),
    path("credit-notes/", credit_views.credit_note_list, name="credit_note_list"),
    path("credit-notes/<int:pk>/", credit_views.credit_note_detail, name="credit_note_detail"),
    path(
        "credit-notes/<int:pk>/approve/",
        credit_views.credit_note_approve,
        name="credit_note_approve",
    ),
    path(
        "credit-notes/<int:pk>/reject/", credit_views.credit_note_reject, name="credit_note_reject"
    ),
]
