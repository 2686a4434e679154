"""The oversight pages, one module per part: a team manager's dashboard (`team`), the partnership board's
(`board`), alerts and escalation chains (`alerts`), voice and feedback (`voice`) and CSE training (`training`)."""
