"""RFC 937 (POP2, historic) conformance tests."""
