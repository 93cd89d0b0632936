"""Every change the portal makes, one module per concern; each takes an explicit actor
and the time, runs in one transaction and writes its audit row inside it."""
