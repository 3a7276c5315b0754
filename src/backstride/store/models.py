"""Imports every table module so that ``Base.metadata`` knows the whole schema.

A stage that adds tables adds its module here (and a migration under ``migrations/versions``).
"""

from backstride.store.program_tables import ProgramChange, ProgramLog, ProgramRecord
from backstride.store.symptoms_tables import CheckinRecord, PainLogRecord, TriageDecision
from backstride.store.tables import Artifact, Assessment, Runner
from backstride.store.training_tables import ActivitySource, Shoe, TrainingActivity, TrainingFile

__all__ = [
    "ActivitySource",
    "Artifact",
    "Assessment",
    "CheckinRecord",
    "PainLogRecord",
    "ProgramChange",
    "ProgramLog",
    "ProgramRecord",
    "Runner",
    "Shoe",
    "TrainingActivity",
    "TrainingFile",
    "TriageDecision",
]
