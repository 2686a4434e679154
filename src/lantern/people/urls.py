from django.urls import path

from lantern.people import views

app_name = "people"
urlpatterns = [
    path("people/", views.person_search, name="search"),
    path("people/new/", views.person_create, name="create"),
    path("people/<uuid:person_id>/", views.person_detail, name="detail"),
    path("people/<uuid:person_id>/edit/", views.person_edit, name="edit"),
    path("people/<uuid:person_id>/records/new/", views.record_create, name="record_create"),
    path("people/reviews/", views.review_queue, name="reviews"),
    path("people/reviews/<int:review_id>/", views.review_decide, name="review"),
    path("people/linkage/", views.linkage_runs, name="linkage"),
    path("people/merges/<int:merge_id>/undo/", views.merge_undo, name="merge_undo"),
    path("records/<uuid:record_id>/", views.record_detail, name="record"),
    path("records/<uuid:record_id>/edit/", views.record_edit, name="record_edit"),
]
