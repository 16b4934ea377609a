"""Bluesky connector (AT Protocol, through the account's PDS)."""
