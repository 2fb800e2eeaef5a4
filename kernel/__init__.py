"""Building blocks every app shares: version-checked writes, throttling, PDFs, demo data,
health checks. Imports Django and nothing of this project's own apps."""
