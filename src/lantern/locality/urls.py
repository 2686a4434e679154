from django.urls import path

from lantern.locality import views

app_name = "locality"
urlpatterns = [
    path("localities/", views.borough, name="borough"),
    path("localities/profile.csv", views.download, name="download"),
    path("localities/<slug:code>/", views.area, name="area"),
]
