from django.urls import path

from lantern.network import views

app_name = "network"
urlpatterns = [
    path("network/", views.chart, name="chart"),
    path("network/export/", views.export, name="export"),
    path("network/rebuild/", views.rebuild, name="rebuild"),
    path("network/path/", views.path, name="path"),
    path("network/findings/", views.findings, name="findings"),
    path("network/communities/", views.communities, name="communities"),
]
