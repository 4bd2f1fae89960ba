"""Mutual services between organisations (S12): offers and requests of help to other NGOs, answers,
a broker's suggested matches, confirmed exchanges rated by both sides."""
