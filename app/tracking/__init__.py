"""Public tracking: status and timeline of an item for anyone holding its number, nothing personal."""
