from django.conf.urls.i18n import i18n_patterns
from django.urls import URLPattern, URLResolver, include, path

from rightsdesk.api import api
from rightsdesk.core import views as core_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
]

urlpatterns += i18n_patterns(
    path("", include("rightsdesk.core.urls")),
    path("report/", include("rightsdesk.intake.urls")),
    path("staff/", include("rightsdesk.accounts.urls")),
    path("staff/cases/", include("rightsdesk.cases.urls")),
    path("staff/notifications/", include("rightsdesk.notifications.urls")),
    path("staff/audit/", include("rightsdesk.audit.urls")),
    path("staff/content/", include("rightsdesk.content.staff_urls")),
    # Last: public content pages take any slug that no route above claimed.
    path("", include("rightsdesk.content.urls")),
    prefix_default_language=True,
)
