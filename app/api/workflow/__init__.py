"""The workflow platform's endpoints: definitions, instances, tasks, attachments, DMN decisions."""
