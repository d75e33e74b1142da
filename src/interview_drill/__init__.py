"""interview-drill: spaced-repetition drills for LLM fine-tuning interviews."""

__version__ = "0.1.0"
