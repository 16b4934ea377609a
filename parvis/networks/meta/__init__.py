"""Shared Meta Graph API layer for the Facebook Pages and Instagram connectors."""
