"""The shared qualifications catalogue: items, search, analysis, seed content, import and export."""
