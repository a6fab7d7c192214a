"""Accounts and access: users, passwords, API tokens, web login, and the scope policy."""
