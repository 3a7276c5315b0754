"""Batch runs: many assessments from one manifest, for a clinic's caseload or a research cohort.

- `manifest`: the manifest (CSV, one row per assessment) read and checked before anything runs;
- `run`: the rows assessed in order per runner, resumably, with one result per row;
- `cohort`: the stored assessments flattened into tables (one row per assessment, one per
  finding) for a spreadsheet or a statistics package.
"""
