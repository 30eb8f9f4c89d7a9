from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "rightsdesk.accounts"
    label = "accounts"
    verbose_name = "Staff accounts"
