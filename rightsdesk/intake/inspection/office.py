"""Office documents (OOXML and ODF): reading their document properties. They are zips, opened
with the same caps as during detection."""

from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree

from rightsdesk.intake.inspection.detection import _ODF_TYPES, _ZIP_ERRORS, _read_member
from rightsdesk.intake.inspection.facts import _DC, _Facts, _iso_date, _plain
from rightsdesk.intake.inspection.safe_xml import _XML_MAX_BYTES, _parse_xml
from rightsdesk.intake.inspection.vocabulary import _Uninspectable

_CORE_NS = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
_DCTERMS = "{http://purl.org/dc/terms/}"
_APP_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
_ODF_META = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"


def _inspect_office(data: bytes, content_type: str) -> _Facts:
    """Document properties: who wrote and last saved it, when, with what, and its title.

    OOXML keeps them in ``docProps/core.xml`` and ``docProps/app.xml`` (the names every writer
    uses; the package relationships are not followed), ODF in ``meta.xml``. Each is read with
    a size cap and parsed without document types or entities (see :func:`_parse_xml`).
    """
    facts = _Facts()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if content_type in _ODF_TYPES:
                _odf_facts(_member_xml(archive, "meta.xml"), facts)
            else:
                _ooxml_facts(
                    _member_xml(archive, "docProps/core.xml"),
                    _member_xml(archive, "docProps/app.xml"),
                    facts,
                )
    except _ZIP_ERRORS as error:
        raise _Uninspectable("unreadable") from error
    return facts


def _member_xml(archive: zipfile.ZipFile, name: str) -> ElementTree.Element | None:
    """A member parsed as XML, None when absent; a member that is there but will not parse
    makes the file unreadable rather than silently empty."""
    content = _read_member(archive, name, _XML_MAX_BYTES)
    if content is None:
        return None
    root = _parse_xml(content)
    if root is None:
        raise _Uninspectable("unreadable")
    return root


def _people(first_author: str | None, last_author: str | None) -> str:
    first, last = _plain(first_author), _plain(last_author)
    if last and last != first:
        return f"{first}; last saved by {last}" if first else f"last saved by {last}"
    return first


def _ooxml_facts(
    core: ElementTree.Element | None, app: ElementTree.Element | None, facts: _Facts
) -> None:
    if core is not None:
        facts.add(
            "author",
            _people(core.findtext(f"{_DC}creator"), core.findtext(f"{_CORE_NS}lastModifiedBy")),
        )
        facts.add("created", _iso_date(core.findtext(f"{_DCTERMS}created")))
        facts.add("modified", _iso_date(core.findtext(f"{_DCTERMS}modified")))
        facts.add("title", core.findtext(f"{_DC}title"))
    if app is not None:
        application = _plain(app.findtext(f"{_APP_NS}Application"))
        version = _plain(app.findtext(f"{_APP_NS}AppVersion"))
        facts.add("software", f"{application} {version}".strip() if application else "")


def _odf_facts(meta: ElementTree.Element | None, facts: _Facts) -> None:
    if meta is None:
        return

    def first(tag: str) -> str | None:
        return next((element.text for element in meta.iter(tag)), None)

    facts.add("author", _people(first(f"{_ODF_META}initial-creator"), first(f"{_DC}creator")))
    facts.add("created", _iso_date(first(f"{_ODF_META}creation-date")))
    facts.add("modified", _iso_date(first(f"{_DC}date")))
    facts.add("software", first(f"{_ODF_META}generator"))
    facts.add("title", first(f"{_DC}title"))
