from django.urls import path

from lantern.cases import views

app_name = "cases"
urlpatterns = [
    path("cases/", views.my_work, name="my_work"),
    path("cases/team/", views.team_work, name="team_work"),
    path("cases/new/", views.referral_new, name="new"),
    path("cases/notifications/<int:notification_id>/read/", views.notification_read, name="notification_read"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("cases/<int:case_id>/contact/", views.contact, name="contact"),
    path("cases/<int:case_id>/referrals/<int:referral_id>/decide/", views.decide, name="decide"),
    path("cases/<int:case_id>/strategy/request/", views.strategy_request, name="strategy_request"),
    path("cases/<int:case_id>/strategy/<int:discussion_id>/", views.strategy, name="strategy"),
    path("cases/<int:case_id>/s47/<int:enquiry_id>/", views.s47, name="s47"),
    path("cases/<int:case_id>/assessments/<int:assessment_id>/contribute/", views.contribute, name="contribute"),
    path("cases/<int:case_id>/assessments/<int:assessment_id>/complete/", views.complete, name="complete"),
    path("cases/<int:case_id>/assessments/<int:assessment_id>/authorise/", views.authorise, name="authorise"),
    path("cases/<int:case_id>/conference/<str:kind>/", views.conference, name="conference"),
    path("cases/<int:case_id>/core-group/", views.core_group, name="core_group"),
    path("cases/<int:case_id>/visit/", views.visit, name="visit"),
    path("cases/<int:case_id>/missing/", views.missing, name="missing"),
    path("cases/<int:case_id>/missing/<int:episode_id>/return/", views.returned, name="returned"),
    path("cases/<int:case_id>/missing/<int:episode_id>/interview/", views.interview, name="interview"),
    path("cases/<int:case_id>/reassurances/new/", views.reassurance, name="reassurance"),
    path(
        "cases/<int:case_id>/reassurances/<int:reassurance_id>/outcome/",
        views.reassurance_outcome,
        name="reassurance_outcome",
    ),
    path(
        "cases/<int:case_id>/reassurances/<int:reassurance_id>/review/",
        views.reassurance_review,
        name="reassurance_review",
    ),
    path("cases/<int:case_id>/oversight/", views.oversight, name="oversight"),
    path("cases/<int:case_id>/allocate/", views.allocate, name="allocate"),
    path("cases/<int:case_id>/close/", views.close, name="close"),
]
