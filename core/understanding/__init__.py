"""Understanding plain requests without an LLM: a parser that knows the workspace's names.

``vocabulary`` holds what the parser may name (projects, people, open task titles), ``calls`` what it answers
(tool calls, or a question back), and ``parser.understand`` turns one message into that answer.
"""
