"""Tests of the workflow platform (app/services/workflow, app/engine) and its pages and API."""
