"""Registry writes. Each service is the one sanctioned way to make its change (STYLE.md)."""
