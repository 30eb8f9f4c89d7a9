from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path

from rightsdesk.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
]

urlpatterns += i18n_patterns(
    path("", include("rightsdesk.core.urls")),
    path("staff/", include("rightsdesk.accounts.urls")),
    prefix_default_language=True,
)

# Last: a language prefix we do not ship falls back to the default language.
urlpatterns += [
    re_path(
        r"^(?P<code>[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*)/(?P<rest>.*)$",
        core_views.unknown_language,
        name="unknown-language",
    ),
]
