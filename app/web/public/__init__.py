"""The pages the public reaches without signing in (办事服务): the applicant's progress lookup,
the catalog and guides, what the law makes public, and 好差评. Everything here is on the
`public` blueprint, which app.security leaves open; nothing else is."""
