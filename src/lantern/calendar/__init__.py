"""Working days in England and deadline arithmetic (rulebook section F)."""
