"""YouTube connector (Data API v3, resumable uploads)."""
