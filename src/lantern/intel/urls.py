from django.urls import path

from lantern.intel import views

app_name = "intel"
urlpatterns = [
    path("report/", views.public_report, name="public_report"),
    path("report/add/", views.public_add, name="public_add"),
    path("intel/", views.intel_search, name="search"),
    path("intel/new/", views.report_new, name="new"),
    path("intel/mine/", views.mine, name="mine"),
    path("intel/triage/", views.triage_queue, name="triage"),
    path("intel/held/", views.held, name="held"),
    path("intel/requests/", views.requests, name="requests"),
    path("intel/requests/<int:request_id>/", views.request_decide, name="request"),
    path("intel/reports/<int:report_id>/", views.report_detail, name="report"),
    path("intel/reports/<int:report_id>/triage/", views.report_triage, name="triage_report"),
    path("intel/reports/<int:report_id>/corroborate/", views.corroborate, name="corroborate"),
    path("intel/reports/<int:report_id>/request/", views.request_access, name="request_access"),
]
