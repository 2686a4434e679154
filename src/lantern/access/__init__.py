"""The one access-control module: `policy.can`, `policy.require`, `policy.scope`. No other app decides access."""
