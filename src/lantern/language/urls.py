from django.urls import path

from lantern.language import views

app_name = "language"
urlpatterns = [
    path("language/", views.guide, name="guide"),
    path("language/new/", views.phrase_new, name="new"),
    path("language/<int:phrase_id>/edit/", views.phrase_edit, name="edit"),
    path("language/<int:phrase_id>/remove/", views.phrase_remove, name="remove"),
]
