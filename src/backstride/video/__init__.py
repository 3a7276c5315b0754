"""Video gait analysis: from a phone video to running metrics, findings and annotated frames.

The pipeline, one module per step: `decode` (PyAV) -> `pose` (BlazePose behind a protocol) ->
`track` (one runner, facing, near/far legs) -> `clean` (gaps, outliers, zero-phase filter) ->
`events` (strike / toe-off) -> `sagittal` / `frontal` (metrics) -> `findings` -> `overlay` and
`export` (files). `analyze` runs them in order; it is the only module that does I/O besides
decode, overlay and export.
"""
