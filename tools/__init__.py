"""The course's tooling for instructors and authors (not imported by students): grading with nbgrader."""
