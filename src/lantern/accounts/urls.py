from django.urls import path

from lantern.accounts import views

app_name = "accounts"
urlpatterns = [
    path("account/sign-in/", views.sign_in, name="login"),
    path("account/sign-out/", views.sign_out, name="logout"),
    path("account/", views.account, name="account"),
    path("account/password/", views.password_change, name="password_change"),
    path("account/two-factor/", views.two_factor, name="two_factor"),
    path("manage/users/", views.user_list, name="user_list"),
    path("manage/users/new/", views.user_create, name="user_create"),
    path("manage/users/<int:user_id>/edit/", views.user_edit, name="user_edit"),
]
