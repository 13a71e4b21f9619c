"""The IMAP suite: RFC 3501 (IMAP4rev1) and RFC 9051 (IMAP4rev2), one requirement per test."""
