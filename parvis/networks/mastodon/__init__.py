"""Mastodon connector (any server speaking the Mastodon client API)."""
