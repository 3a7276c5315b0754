"""Ground truth by construction: synthetic runners, training histories and check-ins.

`synth.gait` produces joint trajectories of a runner whose gait we choose, `synth.render` films
them from a side or rear camera into a real MP4, `synth.history` writes real activity files with
known load, `synth.checkins` sample check-ins. Tests, benchmarks and the demo measure the pipeline
against the truth these return.
"""
