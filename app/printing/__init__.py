"""Printing labels: what the label station prints, for whom, and the record of every copy."""
