"""Ground truth by construction: synthetic inputs whose right answers are known.

Each generator writes real files (videos, activity files, check-ins) and returns the truth they
were built from, so tests, benchmarks and the demo compare what backstride measures with what
the generator knows.
"""
