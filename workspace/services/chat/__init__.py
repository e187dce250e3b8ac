"""Chat: channels, messages, cards, polls and record threads."""
