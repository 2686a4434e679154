from django.urls import path

from lantern.audit import views

app_name = "audit"
urlpatterns = [
    path("audit/", views.audit_search, name="search"),
    path("audit/my-records/", views.my_records, name="my_records"),
]
