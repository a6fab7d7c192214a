"""Pages that belong to no single domain: home, language switch, API docs."""
