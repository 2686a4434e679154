from django.urls import path

from lantern.screening import views

app_name = "screening"
urlpatterns = [
    path("screening/", views.tasks, name="tasks"),
    path("screening/<int:screening_id>/", views.detail, name="detail"),
    path("screening/<int:screening_id>/decide/", views.decide, name="decide"),
    path("screening/child/<str:person_id>/", views.child, name="child"),
    path("screening/child/<str:person_id>/indicator/", views.indicator, name="indicator"),
    path("screening/tasks/<int:task_id>/done/", views.task_done, name="task_done"),
]
