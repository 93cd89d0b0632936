from django.urls import path

from kapcare.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("password/", views.ChangePasswordView.as_view(), name="change-password"),
    path("password/changed/", views.PasswordChangedView.as_view(), name="password-changed"),
    path("api-tokens/", views.api_tokens, name="api-tokens"),
    path("api-tokens/<int:token_id>/revoke/", views.revoke_api_token, name="api-token-revoke"),
]
