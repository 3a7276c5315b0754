"""Reading activity files: sources (files, folders, archives, exports), the FIT/GPX/TCX readers,
normalisation into `Activity`, and the process-pool import pipeline."""
