"""Public pages: every language, right-to-left, light, and with the headers we promise."""

import os
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import translation

LANGUAGES = [code for code, _name in settings.LANGUAGES]
RTL = {"ar", "fa"}
PUBLIC_PAGES = ["core:home", "core:cover-tracks", "accounts:login"]


def url_in(language: str, name: str) -> str:
    with translation.override(language):
        return reverse(name)


class ResourceCollector(HTMLParser):
    """Collects every URL the browser would fetch on its own (not links the reader may click)."""

    def __init__(self) -> None:
        super().__init__()
        self.fetched: list[str] = []
        self.inline_styles = 0
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if "style" in values:
            self.inline_styles += 1
        if tag == "script":
            self.scripts += 1
        if tag == "link" and values.get("rel") == "stylesheet":
            self.fetched.append(values["href"] or "")
        if tag in {"img", "script", "iframe", "audio", "video", "source"} and values.get("src"):
            self.fetched.append(values["src"] or "")

    def handle_data(self, data: str) -> None:
        return None


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_public_pages_render_in_every_language(client: Client, language: str, page: str):
    response = client.get(url_in(language, page))
    assert response.status_code == 200
    html = response.content.decode()
    direction = "rtl" if language in RTL else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert response["Content-Language"] == language


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fa", "ar", "zh-hans", "ru"])
def test_home_page_is_translated(client: Client, language: str):
    english = client.get(url_in("en", "core:home")).content.decode()
    translated = client.get(url_in(language, "core:home")).content.decode()
    title = re.search(r"<h1>(.*?)</h1>", english, re.S)
    assert title is not None
    assert title.group(1) not in translated


@pytest.mark.django_db
def test_language_switcher_links_to_the_same_page_in_each_language(client: Client):
    html = client.get(url_in("en", "core:cover-tracks")).content.decode()
    for language in LANGUAGES:
        target = url_in(language, "core:cover-tracks")
        # Through the language choice (which remembers it), to the same page in that language.
        choice = f"/language/{language}/?next={target.replace('/', '%2F')}"
        assert f'href="{choice}" lang="{language}"' in html
        assert client.get(choice)["Location"] == target
        # Search engines get the direct address.
        address = f"{settings.PUBLIC_URL}{target}"
        assert f'<link rel="alternate" hreflang="{language}" href="{address}">' in html
    assert 'lang="fa" hreflang="fa" dir="rtl"' in html
    assert 'aria-current="true">English<' in html


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["core:home", "core:cover-tracks"])
def test_quick_exit_link_on_every_public_page(client: Client, page: str):
    html = client.get(url_in("en", page)).content.decode()
    assert f'class="quick-exit" href="{settings.QUICK_EXIT_URL}"' in html
    assert 'rel="noreferrer noopener"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_pages_fetch_nothing_from_elsewhere_and_inline_nothing(client: Client, page: str):
    html = client.get(url_in("fa", page)).content.decode()
    collector = ResourceCollector()
    collector.feed(html)
    assert collector.fetched, "the stylesheet should be found"
    assert all(url.startswith("/static/") for url in collector.fetched)
    assert collector.inline_styles == 0
    assert collector.scripts == 0
    assert "<style" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_page_weight_stays_under_60_kb(client: Client, language: str, page: str):
    html = client.get(url_in(language, page)).content
    collector = ResourceCollector()
    collector.feed(html.decode())
    css = 0
    for url in collector.fetched:
        path = finders.find(url.removeprefix(settings.STATIC_URL))
        assert path is not None
        with open(path, "rb") as handle:
            css += len(handle.read())
    assert len(html) + css < 60 * 1024


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["core:home", "core:cover-tracks"])
def test_public_pages_leave_no_cookie(client: Client, page: str):
    response = client.get(url_in("fa", page))
    assert response.cookies == {}


@pytest.mark.django_db
def test_security_headers(client: Client):
    response = client.get(url_in("en", "core:home"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    # Plain http on loopback: no HSTS (it would be ignored, and would break a later https setup).
    assert "Strict-Transport-Security" not in response


@pytest.mark.django_db
def test_root_redirects_to_a_language(client: Client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fa-IR,fa;q=0.9")
    assert response.status_code == 302
    assert response["Location"] == "/fa/"


@pytest.mark.django_db
def test_unknown_accept_language_falls_back_to_the_default(client: Client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="tlh")
    assert response["Location"] == "/en/"


@pytest.mark.django_db
def test_unknown_language_prefix_falls_back_to_the_default(client: Client):
    response = client.get("/xx/cover-your-tracks/?a=1")
    assert response.status_code == 302
    assert response["Location"] == "/en/cover-your-tracks/?a=1"
    assert client.get("/pt-br/").status_code == 302


@pytest.mark.django_db
def test_unknown_page_is_a_translated_404(client: Client):
    response = client.get("/fa/no-such-page/")
    assert response.status_code == 404
    assert 'dir="rtl"' in response.content.decode()
    # An unknown language prefix leads to the page in the default language, which is missing too.
    assert client.get("/xx/no-such-page/", follow=True).status_code == 404
    assert client.get("/xx/no/such/page/").status_code == 404


def settings_under(environment: dict[str, str], *names: str) -> list[str]:
    """Import the settings in a fresh interpreter with the given environment."""
    code = "from rightsdesk import settings as s; print('|'.join(repr(getattr(s, n)) for n in %r))"
    env = {k: v for k, v in os.environ.items() if not k.startswith("RIGHTSDESK_")}
    env.update(environment)
    result = subprocess.run(
        [sys.executable, "-c", code % (names,)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().split("|")


def test_https_public_url_switches_on_secure_cookies_and_hsts(tmp_path):
    names = ("SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "DEBUG")
    https = settings_under(
        {"RIGHTSDESK_DATA_DIR": str(tmp_path), "RIGHTSDESK_PUBLIC_URL": "https://rights.example"},
        *names,
    )
    assert https == ["63072000", "True", "True", "False"]
    plain = settings_under({"RIGHTSDESK_DATA_DIR": str(tmp_path)}, *names)
    assert plain == ["0", "False", "False", "False"]


def test_a_bad_public_url_is_refused(tmp_path):
    with pytest.raises(subprocess.CalledProcessError) as failure:
        settings_under(
            {"RIGHTSDESK_DATA_DIR": str(tmp_path), "RIGHTSDESK_PUBLIC_URL": "ftp://x"}, "DEBUG"
        )
    assert "RIGHTSDESK_PUBLIC_URL must be an http(s) URL" in failure.value.stderr
