"""TLS material for the reference servers on loopback."""

from reference_impl.tls._loopback import LoopbackTLS

__all__ = ["LoopbackTLS"]
