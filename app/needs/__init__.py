"""Needs (*kebutuhan*): a region describes its problem; Suar suggests the case studies that
solved it elsewhere, and the official asks to replicate one (docs/decisions/0090)."""
