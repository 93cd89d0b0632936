"""Billing codes as pure functions (no Django): what a record supports, not coding advice."""
