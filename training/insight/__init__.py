"""Training data and training code of the ``parvis.insight`` models."""
