"""Departments, windows, staff, AB posts and absences (组织机构, AB岗)."""
