"""Reference data: post offices and election bodies."""
