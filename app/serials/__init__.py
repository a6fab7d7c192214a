"""S10 serial blocks handed out by the national operator, and the allocation of numbers from them."""
