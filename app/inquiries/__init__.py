"""Inquiries: questions about a consignment, routed to the office that last saw it, answered by a deadline."""
