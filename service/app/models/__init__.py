"""Typed contracts: what this service's messages look like."""
