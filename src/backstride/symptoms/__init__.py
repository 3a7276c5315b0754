"""Check-in and triage: what the runner tells us, and whether they should see a clinician first."""
