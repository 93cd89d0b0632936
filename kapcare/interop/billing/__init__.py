"""Superbills and claim-ready CSV: what a practice bills for its sessions."""
