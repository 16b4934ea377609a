"""The fake Graph API behind tests/peers/meta_fake.py, one module per concern."""
