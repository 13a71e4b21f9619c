"""The message-source fixtures the MIME suite uses."""

from conformance._message_fixtures import stored_message

__all__ = ["stored_message"]
