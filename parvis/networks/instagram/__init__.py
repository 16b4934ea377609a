"""Instagram connector (Graph API, professional accounts)."""
