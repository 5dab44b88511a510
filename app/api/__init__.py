"""The JSON API, read side (../docs/interfaces.md)."""
