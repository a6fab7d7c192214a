"""Consignments: registering election documents (one, a dispatch, a CSV file), reading and cancelling them."""
