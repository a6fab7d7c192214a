"""Administration: one page linking to the admin pages that this installation has."""
