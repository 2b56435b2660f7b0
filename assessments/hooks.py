"""The hooks assessments offers to the apps above it: none yet.

Certificates read a learner's quiz grades through `assessments.api`; nothing above
assessments needs to act inside it. A future hook (a signal such as "attempt graded") would be
declared here, documented with its kwargs.
"""
