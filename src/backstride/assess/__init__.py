"""The assessment: every stage of the loop tied into one explained, stored document."""
