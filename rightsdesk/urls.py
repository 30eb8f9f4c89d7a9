from django.conf.urls.i18n import i18n_patterns
from django.urls import URLPattern, URLResolver, include, path

from rightsdesk.api import api
from rightsdesk.content import sitemaps
from rightsdesk.content import views as content_views
from rightsdesk.core import views as core_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("healthz", core_views.healthz, name="healthz"),
    # The language links: remembers the choice, then goes to the page in that language.
    path("language/<str:code>/", content_views.choose_language, name="language"),
    path("api/v1/", api.urls),
    path("sitemap.xml", sitemaps.sitemap, name="sitemap"),
    path("robots.txt", sitemaps.robots_txt, name="robots"),
]

urlpatterns += i18n_patterns(
    path("", include("rightsdesk.core.urls")),
    path("report/", include("rightsdesk.intake.urls")),
    path("safety/", include("rightsdesk.safety.urls")),
    path("staff/", include("rightsdesk.accounts.urls")),
    path("staff/cases/", include("rightsdesk.cases.urls")),
    path("staff/notifications/", include("rightsdesk.notifications.urls")),
    path("staff/audit/", include("rightsdesk.audit.urls")),
    path("staff/content/", include("rightsdesk.content.staff_urls")),
    # Last: public content pages take any slug that no route above claimed.
    path("", include("rightsdesk.content.urls")),
    prefix_default_language=True,
)
