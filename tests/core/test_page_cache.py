import pytest
from django.core.cache import caches
from django.test import Client

from rightsdesk.core import views
from tests.factories import make_staff


@pytest.fixture
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    caches["pages"].clear()
    yield
    caches["pages"].clear()


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real_render = views.render  # type: ignore[attr-defined]

    def counting_render(request, template, *args, **kwargs):
        calls.append(template)
        return real_render(request, template, *args, **kwargs)

    monkeypatch.setattr(views, "render", counting_render)
    return calls


@pytest.mark.django_db
@pytest.mark.usefixtures("page_cache")
def test_anonymous_cookieless_visits_share_one_rendering(client: Client, renders: list[str]):
    first = client.get("/fa/")
    second = client.get("/fa/")
    assert renders == ["core/home.html"]
    assert first.content == second.content
    # Headers are still added on every response.
    assert "default-src 'none'" in second["Content-Security-Policy"]
    assert second["Content-Language"] == "fa"
    assert second["Content-Length"] == str(len(second.content))


@pytest.mark.django_db
@pytest.mark.usefixtures("page_cache")
def test_each_language_is_cached_separately(client: Client, renders: list[str]):
    assert 'lang="fa"' in client.get("/fa/").content.decode()
    assert 'lang="ar"' in client.get("/ar/").content.decode()
    assert len(renders) == 2


@pytest.mark.django_db
@pytest.mark.usefixtures("page_cache")
def test_a_visitor_with_any_cookie_gets_a_fresh_page(client: Client, renders: list[str]):
    client.get("/en/")
    client.cookies["rightsdesk_session"] = "whatever"
    client.get("/en/")
    assert len(renders) == 2


@pytest.mark.django_db
def test_cache_can_be_turned_off(client: Client, renders: list[str]):
    client.get("/en/")
    client.get("/en/")
    assert len(renders) == 2


@pytest.mark.django_db
@pytest.mark.usefixtures("page_cache")
def test_a_cached_form_gets_a_fresh_working_csrf_token_for_each_visitor():
    login = make_staff()
    tokens = []
    for visitor in range(2):
        browser = Client(enforce_csrf_checks=True)
        page = browser.get("/en/staff/sign-in/")
        html = page.content.decode()
        token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
        tokens.append(token)
        assert "csrftoken" in page.cookies
        assert page["Cache-Control"].startswith("max-age=0")
        response = browser.post(
            "/en/staff/sign-in/",
            {
                "username": login.member.username,
                "password": login.password,
                "code": login.code() if visitor == 0 else "000000",
                "csrfmiddlewaretoken": token,
            },
        )
        assert response.status_code in {200, 302}
    assert tokens[0] != tokens[1]
    assert "\x00" not in "".join(tokens)


@pytest.mark.django_db
@pytest.mark.usefixtures("page_cache")
def test_a_content_change_in_any_process_invalidates_the_cached_pages(
    client: Client, renders: list[str]
):
    from rightsdesk.content.services import content_changed

    client.get("/en/")
    client.get("/en/")
    content_changed()
    client.get("/en/")
    assert renders == ["core/home.html", "core/home.html"]


@pytest.mark.django_db
@pytest.mark.usefixtures("page_cache")
def test_the_front_cache_answers_only_hosts_the_site_accepts(client: Client, renders: list[str]):
    assert client.get("/en/").status_code == 200
    assert client.get("/en/", HTTP_HOST="attacker.example").status_code == 400
    assert renders == ["core/home.html"]


@pytest.mark.django_db
@pytest.mark.usefixtures("page_cache")
def test_a_cached_form_page_reads_the_content_generation_once(client: Client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/en/staff/sign-in/")
    with CaptureQueriesContext(connection) as queries:
        assert Client().get("/en/staff/sign-in/").status_code == 200
    reads = [q["sql"] for q in queries if "content_contentstate" in q["sql"]]
    assert len(reads) == 1
