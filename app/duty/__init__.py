"""Duty rosters: who is on leadership, operations and shift duty at each office, and the gaps nobody covers."""
