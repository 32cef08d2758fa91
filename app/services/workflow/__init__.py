"""The workflow platform: deploying BPMN and DMN, running instances, their tasks and inbox,
forms, timers and working-day deadlines, the outbox of notifications, the audit trail, and
the administration of instances (incidents, migration, diagrams, diffs).

It knows nothing of a service center: the domain plugs in at app start by registration
(script functions and step effects, who a lane's task goes to, which days are working days,
what a start or a completion must also pass) — see docs/architecture.md.
"""
