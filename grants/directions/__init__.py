"""Contest directions proposed in consultations (S1, S7), supports, comments, moderation, answers."""
