"""The small languages inside process files: SLA phrases and route conditions.

Leaf modules: they depend on nothing else in flowkit, so the model, the checks and the
engine can all use them.
"""
