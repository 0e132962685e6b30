"""The maintainers' tools, outside the student package `course_lib`: authoring, execution, launch links, publishing,
and grading with nbgrader.

Run them from the repository root, e.g. `python -m tools.stubs generate` (see docs/architecture.md).
"""
