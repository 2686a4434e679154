from django.urls import path

from lantern.access import views

app_name = "access"
urlpatterns = [
    path("access/break-glass/", views.break_glass, name="break_glass"),
    path("access/break-glass/review/", views.break_glass_review, name="break_glass_review"),
    path("access/agreements/", views.agreements, name="agreements"),
]
