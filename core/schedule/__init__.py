"""The assistant speaking first: reminders, digests, channel reports and the scheduler that sends them."""
