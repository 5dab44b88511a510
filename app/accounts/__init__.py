"""Accounts: users, roles, login and logout, password changes, user administration."""
