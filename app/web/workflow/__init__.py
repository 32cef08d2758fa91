"""The workflow platform's pages: sign-in and inbox, tasks, the designer, DMN tables and
the administration of instances."""
