"""The message-source fixtures the MIME suite uses."""

from conformance._mime_fixtures import retrieved_message, stored_message

__all__ = ["retrieved_message", "stored_message"]
