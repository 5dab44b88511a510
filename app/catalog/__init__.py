"""The catalogue: owners, their units, innovations, sectors, themes and awards."""
