"""Evidence files from possibly hostile uploaders: what they are, what they reveal, a clean copy.

Three questions are asked of every attached file:

* **What is it?** :func:`detect_type` reads the content, never the name a browser sent: a PNG
  called ``contract.pdf`` is a PNG. Only the types in :data:`ALLOWED_TYPES` are accepted; a plain
  zip, an executable, an HTML page or anything unknown gets ``(None, None)``.
* **What does it reveal?** :func:`inspect_bytes` reports the facts a reporter may not know they
  are sending (where a photo was taken, which phone took it, who wrote a document) so that a
  handler can warn them or share a stripped copy.
* **Can we share it without those facts?** :func:`strip_metadata_in_child` re-encodes images and
  rewrites PDFs without their metadata. The original is kept as evidence either way.

Parsing hostile files is where decoders crash, loop or allocate without end, so the web and task
processes never do it themselves: :func:`inspect_in_child` and :func:`strip_metadata_in_child`
run this package as ``python -m rightsdesk.intake.inspection inspect|strip`` with the bytes on
stdin, under CPU, memory and wall-clock limits. Whatever happens in the child (a timeout, a
memory bomb, a segfault, garbage on stdout) the caller gets an :class:`Inspection` or ``None``,
never an exception. The child gets no environment from its parent (no secret key, no database
address) and its stderr is discarded, because a traceback may quote the file's bytes.

This package imports nothing from Django or from the rest of rightsdesk, so that the child starts
in a few tens of milliseconds; Pillow and pikepdf are imported only when a file needs them.

The modules, by question: :mod:`.vocabulary` (the vocabulary and :class:`Inspection`),
:mod:`.detection` (what is it?), :mod:`.facts`, :mod:`.safe_xml`, :mod:`.images`, :mod:`.pdf`,
:mod:`.office` and :mod:`.media` (what does it reveal, and the clean copy), :mod:`.inspecting`
(both, in this process) and :mod:`.child` (both, in a limited child process). The limits are read
where they are defined, as ``images.MAX_IMAGE_PIXELS`` and ``child.MAX_INPUT_BYTES``: the names
re-exported here are copies, and rebinding them changes nothing.
"""

from rightsdesk.intake.inspection.child import (
    MAX_INPUT_BYTES,
    inspect_in_child,
    main,
    strip_metadata_in_child,
)
from rightsdesk.intake.inspection.detection import detect_type
from rightsdesk.intake.inspection.images import MAX_IMAGE_PIXELS
from rightsdesk.intake.inspection.inspecting import inspect_bytes, strip_metadata
from rightsdesk.intake.inspection.vocabulary import (
    ALLOWED_TYPES,
    KINDS,
    MAX_VALUE_CHARS,
    METADATA_KEYS,
    PROBLEMS,
    Inspection,
)

__all__ = [
    "ALLOWED_TYPES",
    "KINDS",
    "MAX_IMAGE_PIXELS",
    "MAX_INPUT_BYTES",
    "MAX_VALUE_CHARS",
    "METADATA_KEYS",
    "PROBLEMS",
    "Inspection",
    "detect_type",
    "inspect_bytes",
    "inspect_in_child",
    "main",
    "strip_metadata",
    "strip_metadata_in_child",
]
