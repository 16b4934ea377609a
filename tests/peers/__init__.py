"""Local servers that stand in for the social networks in tests (see docs/connectors.md)."""
