"""Tests of app/services/authorization and its pages and API."""
