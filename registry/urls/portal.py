from django.urls import path

from registry.views import certificates, portal, signup

app_name = "portal"

urlpatterns = [
    path("", portal.home, name="home"),
    path("sign-up/", signup.sign_up, name="sign_up"),
    path("colleagues/", portal.colleagues, name="colleagues"),
    path("colleagues/add/", portal.colleague_add, name="colleague_add"),
    path("spreadsheet/template.xlsx", portal.sheet_template, name="sheet_template"),
    path("spreadsheet/check/", portal.sheet_check, name="sheet_check"),
    path("certificates/<int:pk>/pdf/", certificates.portal_certificate_pdf, name="certificate_pdf"),
]
