"""The LLM agent: tools over the core services, provider routing, the offline model and conversation context.

Import the pieces from their modules (``core.agent.responder`` etc.); this package file stays empty so that
importing one piece never drags in the others.
"""
