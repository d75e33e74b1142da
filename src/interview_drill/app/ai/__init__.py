"""Optional model help through Simon Willison's `llm` library (the `ai` extra): grading a typed
answer (`grading`), and the interviewer that follows up and writes a scorecard (`interviewer`).

Nothing here imports `llm` until a model is actually asked something (`client`).
"""
