"""Statistics: figures that reproduce the competition's own, charts and the province map."""
