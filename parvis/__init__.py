"""Parvis: a self-hostable social-media co-pilot for French PME and ETI."""
