from lantern.oversight.views import alerts, board, team, training, voice

app_name = "oversight"
urlpatterns = [
    *team.urlpatterns,
    *board.urlpatterns,
    *alerts.urlpatterns,
    *voice.urlpatterns,
    *training.urlpatterns,
]
