"""What the election bodies see: a status board, the dispatch matrix, delivery reports and pictures."""
