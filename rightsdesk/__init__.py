"""rightsdesk: the platform a human-rights team runs on to protect the volunteers of an
open-knowledge community."""

__version__ = "0.1.0"
