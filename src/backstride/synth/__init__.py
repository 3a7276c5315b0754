"""Ground truth by construction: synthetic inputs whose expected results are known."""
