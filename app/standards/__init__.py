"""Delivery standards: how long an item may take, and so when it is due."""
