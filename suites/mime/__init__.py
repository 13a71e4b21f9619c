"""The MIME suite: how a target handles messages (RFC 5322, RFC 2045-2049), judged with
the strict parser of reference_impl.mime; ``corpus/`` holds the messages it is tested on."""
