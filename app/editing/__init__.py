"""Editing case studies on the site: the form, the review workflow, the revision history,
conflicts between two editors, and award results recorded in bulk (docs/decisions/0030)."""
