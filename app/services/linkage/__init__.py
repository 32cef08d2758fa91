"""Three-level linkage (三级联动): one case handled at the county, the city and the province.

- delivery: messages between the levels of one case, in and out, caught by their instances
- outbox: the messages a step throws, written with the step and addressed to the next level
- transport: signed HTTP between deployments (HMAC, timestamps, nonces)
- tracking: each level's snapshot and the timeline a window reads
- materials: the attachments a 上报 carries, checked
- effects: what the processes' linkage steps do to the case
- admin: the signed endpoint, the window's tracking, the administrator's dead letters
"""
