"""Registration of consignments, dispatches, CSV imports; serial blocks; S10 numbers."""
