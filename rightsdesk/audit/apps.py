from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "rightsdesk.audit"
    label = "audit"
    verbose_name = "Audit log"
