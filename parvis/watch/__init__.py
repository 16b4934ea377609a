"""« Veille »: competitors' accounts, sector searches and web feeds, collected and understood."""
