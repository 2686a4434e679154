from django.urls import path

from lantern.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("overview/", views.overview, name="overview"),
]
