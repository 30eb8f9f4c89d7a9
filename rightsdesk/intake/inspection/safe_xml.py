"""Parsing the small XML found inside hostile files (office parts, XMP packets) without
document types, entities or network access."""

from __future__ import annotations

from xml.etree import ElementTree
from xml.parsers import expat

_XML_MAX_BYTES = 1024 * 1024

# --- XML without surprises ---------------------------------------------------------------------


class _XmlRefused(Exception):
    """The XML declares a document type; it may define entities, so it is not parsed at all."""


def _parse_xml(data: bytes) -> ElementTree.Element | None:
    """Parse small XML from inside a hostile file into an ElementTree, or None.

    Uses expat directly so that any ``<!DOCTYPE`` stops parsing before an entity is declared:
    no entity is expanded (no "billion laughs") and nothing external is fetched. Office and XMP
    files never need a document type. This is stricter than defusedxml's defaults (which refuse
    entity declarations but accept a bare document type), without the dependency.
    """
    if len(data) > _XML_MAX_BYTES:
        return None
    builder = ElementTree.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")

    def refuse(*_args: object) -> None:
        raise _XmlRefused

    def start(name: str, attributes: dict[str, str]) -> None:
        builder.start(_qualified(name), {_qualified(k): v for k, v in attributes.items()})

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = lambda name: builder.end(_qualified(name))
    parser.CharacterDataHandler = builder.data
    parser.buffer_text = True
    try:
        parser.Parse(data, True)
    except (expat.ExpatError, _XmlRefused):
        return None
    return builder.close()


def _qualified(name: str) -> str:
    """expat's ``uri}local`` as ElementTree's ``{uri}local``."""
    return "{" + name if "}" in name else name
