"""Reading a volunteer's user pages from a Wikimedia wiki through the MediaWiki Action API.

The host comes from a web form, so the server must never be talked into requesting anything but
a public Wikimedia wiki: a host must be a plain DNS name ending in one of
``settings.RIGHTSDESK_FOOTPRINT_WIKI_SUFFIXES``. IP addresses, ports, user names and passwords,
paths and plain http are refused before any request is made, and redirects are never followed.

Nothing that names the volunteer (their username, the URL carrying it, the page text) is put into
an exception or a log line: requests' own exceptions quote the URL, so they are replaced by a
short reason and never chained.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from rightsdesk import __version__

API_PATH = "/w/api.php"
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 10.0
# A user page may be up to 2 MiB on Wikimedia wikis; two of them and the site information fit.
MAX_RESPONSE_BYTES = 8 * 1024 * 1024
# The read timeout is per read; this bounds a server that sends a trickle of bytes.
MAX_RESPONSE_SECONDS = 30.0
FILE_NAMESPACE = 6
USER_NAMESPACE = 2
USER_TALK_NAMESPACE = 3

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"(?:{_LABEL}\.)+[a-z]{{2,63}}", re.ASCII)
# MediaWiki refuses these in user names; "/" would name a subpage and "|" a second title.
_INVALID_USERNAME = re.compile(r"[#<>\[\]|{}/@:\x00-\x1f\x7f]")
MAX_USERNAME_BYTES = 255


class HostNotAllowed(ValueError):
    """The wiki named is not a public Wikimedia wiki; the message is ready to show."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Enter the address of a Wikimedia wiki, such as fa.wikipedia.org: only the "
                "name, without a port, a user name or a path."
            )
        )


class InvalidUsername(ValueError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "This cannot be a wiki user name: user names are at most 255 bytes long and "
                "contain none of # < > [ ] | { } / @ :"
            )
        )


class UnknownUser(Exception):
    """No account of this name exists on the wiki."""

    def __init__(self, username: str) -> None:
        super().__init__("unknown user")
        self.username = username


class WikiUnavailable(Exception):
    """The wiki could not answer now (timeout, connection, HTTP or API error, database lag).

    ``reason`` is a short code safe to log; it never contains the user name or a URL.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class UserPages:
    username: str
    host: str
    user_page: str | None
    talk_page: str | None
    image_namespaces: tuple[str, ...]


def wiki_suffixes() -> tuple[str, ...]:
    return tuple(s.lower().strip(".") for s in settings.RIGHTSDESK_FOOTPRINT_WIKI_SUFFIXES)


def allowed_host(value: str, *, suffixes: tuple[str, ...] | None = None) -> str:
    """The wiki host named by ``value``, or :class:`HostNotAllowed`.

    Accepts ``fa.wikipedia.org`` and, as people paste it, ``https://fa.wikipedia.org/``.
    """
    suffixes = wiki_suffixes() if suffixes is None else suffixes
    host = value.strip().lower()
    if host.startswith("https://"):
        host = host.removeprefix("https://").removesuffix("/")
    if len(host) > 253 or not _HOST.fullmatch(host):
        raise HostNotAllowed
    if not any(host == suffix or host.endswith(f".{suffix}") for suffix in suffixes):
        raise HostNotAllowed
    return host


def valid_username(value: str) -> str:
    """The user name with spaces for underscores; the wiki normalises the rest."""
    name = " ".join(value.replace("_", " ").split())
    if not name or _INVALID_USERNAME.search(name) or len(name.encode()) > MAX_USERNAME_BYTES:
        raise InvalidUsername
    return name


def user_agent() -> str:
    return (
        f"rightsdesk-footprint/{__version__} "
        f"({settings.PUBLIC_URL}; safety check requested by a volunteer)"
    )


class WikiClient:
    """One wiki's Action API. ``base_url`` replaces ``https://<host>`` (tests only)."""

    def __init__(
        self,
        host: str,
        *,
        base_url: str | None = None,
        timeout: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT),
        session: requests.Session | None = None,
    ) -> None:
        self.host = allowed_host(host)
        self.api_url = f"{(base_url or f'https://{self.host}').rstrip('/')}{API_PATH}"
        self.timeout = timeout
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = user_agent()

    def fetch(self, username: str) -> UserPages:
        """The user page and user talk page, and the wiki's names for the File namespace."""
        name = valid_username(username)
        answer = self._query(
            {
                "prop": "revisions",
                "rvprop": "content",
                "rvslots": "main",
                "titles": f"User:{name}|User talk:{name}",
                "list": "users",
                "ususers": name,
                "meta": "siteinfo",
                "siprop": "namespaces|namespacealiases",
            }
        )
        query = answer.get("query")
        if not isinstance(query, dict):
            raise WikiUnavailable("invalid-response")
        users = query.get("users") or [{}]
        user = users[0] if isinstance(users[0], dict) else {}
        if user.get("missing") or user.get("invalid") or "userid" not in user:
            raise UnknownUser(name)
        canonical = str(user.get("name") or name)
        pages = {USER_NAMESPACE: None, USER_TALK_NAMESPACE: None} | _page_texts(query)
        return UserPages(
            username=canonical,
            host=self.host,
            user_page=pages[USER_NAMESPACE],
            talk_page=pages[USER_TALK_NAMESPACE],
            image_namespaces=_file_namespace_names(query),
        )

    def other_wikis(self, username: str) -> list[str]:
        """Hosts of the other wikis where the global account of this name has a local account."""
        name = valid_username(username)
        answer = self._query({"meta": "globaluserinfo", "guiuser": name, "guiprop": "merged"})
        info = (answer.get("query") or {}).get("globaluserinfo")
        if not isinstance(info, dict) or info.get("missing") is not None:
            return []
        hosts: list[str] = []
        for account in info.get("merged") or []:
            host = (urlsplit(str(account.get("url", ""))).hostname or "").lower()
            try:
                host = allowed_host(host)
            except HostNotAllowed:
                continue
            if host != self.host and host not in hosts:
                hosts.append(host)
        return sorted(hosts)

    def _query(self, parameters: dict[str, str]) -> dict[str, Any]:
        params = {
            "action": "query",
            "format": "json",
            "formatversion": "2",
            "maxlag": "5",
            **parameters,
        }
        try:
            with self.session.get(
                self.api_url,
                params=params,
                timeout=self.timeout,
                allow_redirects=False,
                stream=True,
            ) as response:
                if response.status_code != 200:
                    raise WikiUnavailable(f"http-{response.status_code}")
                body = _read_bounded(response)
        except requests.Timeout:
            raise WikiUnavailable("timeout") from None
        except requests.RequestException:
            raise WikiUnavailable("connection") from None
        try:
            answer = json.loads(body)
        except ValueError:
            raise WikiUnavailable("invalid-response") from None
        if not isinstance(answer, dict):
            raise WikiUnavailable("invalid-response")
        error = answer.get("error")
        if isinstance(error, dict):
            code = str(error.get("code", ""))
            raise WikiUnavailable("maxlag" if code == "maxlag" else f"api-error:{code[:40]}")
        return answer


def _read_bounded(response: requests.Response) -> bytes:
    started = time.monotonic()
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(chunk_size=64 * 1024):
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            raise WikiUnavailable("too-large")
        if time.monotonic() - started > MAX_RESPONSE_SECONDS:
            raise WikiUnavailable("timeout")
        chunks.append(chunk)
    return b"".join(chunks)


def _page_texts(query: dict[str, Any]) -> dict[int, str | None]:
    texts: dict[int, str | None] = {}
    for page in query.get("pages") or []:
        if not isinstance(page, dict) or page.get("missing") or page.get("invalid"):
            continue
        revisions = page.get("revisions") or [{}]
        main = (revisions[0].get("slots") or {}).get("main") or {}
        content = main.get("content", main.get("*"))
        if isinstance(content, str) and page.get("ns") in (USER_NAMESPACE, USER_TALK_NAMESPACE):
            texts[int(page["ns"])] = content
    return texts


def _file_namespace_names(query: dict[str, Any]) -> tuple[str, ...]:
    names: list[Any] = ["File", "Image"]
    namespace = (query.get("namespaces") or {}).get(str(FILE_NAMESPACE)) or {}
    names += [namespace.get("name", namespace.get("*")), namespace.get("canonical")]
    for alias in query.get("namespacealiases") or []:
        if isinstance(alias, dict) and alias.get("id") == FILE_NAMESPACE:
            names.append(alias.get("alias", alias.get("*")))
    unique: list[str] = []
    for name in names:
        if isinstance(name, str) and name and name not in unique:
            unique.append(name)
    return tuple(unique)
