"""claimtrack: the pieces every stage shares (errors, settings, clock), importing none of them."""

__version__ = "0.1.0"
