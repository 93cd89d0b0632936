"""What every connection of the app's to PostgreSQL starts with."""

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting"),
]


def test_queries_are_not_jit_compiled() -> None:
    # At 100,000 clients the planner's estimates passed jit_above_cost and a 1 ms query
    # of the week calendar spent 18 ms compiling itself (kapcare/settings.py).
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
