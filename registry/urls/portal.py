from django.urls import path

from registry.views import applications, batches, certificates, holders, portal, signup

app_name = "portal"

urlpatterns = [
    path("", portal.home, name="home"),
    path("sign-up/", signup.sign_up, name="sign_up"),
    path("colleagues/", portal.colleagues, name="colleagues"),
    path("colleagues/add/", portal.colleague_add, name="colleague_add"),
    path("application-form.pdf", portal.application_form, name="application_form"),
    path("spreadsheet/template.xlsx", portal.sheet_template, name="sheet_template"),
    path("spreadsheet/check/", portal.sheet_check, name="sheet_check"),
    path("batches/", batches.batch_list, name="batches"),
    path("batches/<int:pk>/", batches.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/add/", batches.applicant_add, name="applicant_add"),
    path("batches/<int:pk>/spreadsheet/", batches.sheet_upload, name="sheet_upload"),
    path("batches/<int:pk>/spreadsheet/confirm/", batches.sheet_confirm, name="sheet_confirm"),
    path("batches/<int:pk>/submit/", batches.batch_submit, name="batch_submit"),
    path("applications/<int:pk>/", applications.application_detail, name="application_detail"),
    path("applications/<int:pk>/materials/", applications.material_upload, name="material_upload"),
    path("applications/<int:pk>/resubmit/", applications.application_resubmit, name="application_resubmit"),
    path("applications/<int:pk>/withdraw/", applications.application_withdraw, name="application_withdraw"),
    path("materials/<int:pk>/", applications.material_download, name="material_download"),
    path("decisions/<int:pk>/pdf/", applications.decision_download, name="decision_pdf"),
    path("materials/<int:pk>/replace/", applications.material_replace_view, name="material_replace"),
    path("holders/", holders.holders, name="holders"),
    path("holders/<int:pk>/", holders.holder_detail, name="holder_detail"),
    path("holders/<int:pk>/departure/", holders.holder_departure, name="holder_departure"),
    path("certificates/<int:pk>/pdf/", certificates.portal_certificate_pdf, name="certificate_pdf"),
]
