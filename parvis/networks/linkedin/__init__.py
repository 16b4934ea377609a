"""LinkedIn organisation pages connector (versioned REST API)."""
