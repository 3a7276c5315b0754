"""Check-in and triage: what the runner tells us, and whether they should see a clinician first.

Pure science, no I/O (the CLI and the store are the edges):

- `checkin`: the `CheckIn` answers model (ranges, options, unknown keys refused);
  ``questions.yaml`` words each question, `questions` says which apply and which are missing.
- `conditions`: the three-valued condition language of the rules; `facts`: what rules look at.
- `ruleset`: the versioned rule set (``rules/<version>.yaml``), validated, hashed, release-locked.
- `triage`: check-in + rule set + date -> `models.Triage` (tier, phase, tags, soreness, rules).
- `phase`, `soreness`, `profile`: the phase bands, normal soreness versus concerning pain, the
  symptom-response tags; `summary`: the clinician-facing text; `painlog`: the daily pain log.
"""
