"""The Slack adapter: slack-bolt listeners that translate Slack payloads to and from the core conversation."""
