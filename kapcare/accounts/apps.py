from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kapcare.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from kapcare.accounts import signin_audit  # noqa: F401  (connects receivers)
