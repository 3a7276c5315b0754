"""Imports every table module so that ``Base.metadata`` knows the whole schema.

A stage that adds tables adds its module here (and a migration under ``migrations/versions``).
"""

from backstride.store.tables import Artifact, Assessment, Runner
from backstride.store.training_tables import ActivitySource, Shoe, TrainingActivity, TrainingFile

__all__ = [
    "ActivitySource",
    "Artifact",
    "Assessment",
    "Runner",
    "Shoe",
    "TrainingActivity",
    "TrainingFile",
]
