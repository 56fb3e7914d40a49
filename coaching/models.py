"""Skill profiles, weaknesses, drills, courses and assignments (see the coaching services)."""
