"""The child's entry point: ``python -m rightsdesk.intake.inspection inspect|strip``, started by
:func:`~rightsdesk.intake.inspection.inspect_in_child` and
:func:`~rightsdesk.intake.inspection.strip_metadata_in_child` with the file on stdin."""

from rightsdesk.intake.inspection.child import main

if __name__ == "__main__":
    raise SystemExit(main())
