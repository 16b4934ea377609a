"""What builds the files Parvis ships but never runs: kept in the source checkout, out of the
wheel. ``training.insight`` generates the insight training data and trains the models of
``parvis/insight/models/`` (``parvis insight train`` from a checkout)."""
