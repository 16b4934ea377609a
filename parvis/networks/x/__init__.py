"""X (Twitter) API v2 connector."""
