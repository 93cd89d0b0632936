"""Intensives: a client's multi-day intensive plan, the practice's pattern templates,
and the planner that turns plans into an optimal, bookable week (issue 15)."""
