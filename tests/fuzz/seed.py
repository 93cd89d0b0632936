"""``python -m tests.fuzz.seed``: migrate, load the demo practice and print one API token per
role as JSON, in one process (a Django start per step cost the run half a minute).

Runs in the practice's environment (``DATABASE_URL`` naming the fresh database).
"""

import json
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kapcare.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from kapcare.accounts.models import User
    from kapcare.accounts.tokens import issue_token
    from tests.fuzz.practice import ROLE_EMAILS

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_demo", verbosity=0)
    tokens = {}
    for role, email in ROLE_EMAILS.items():
        user = User.objects.get(email__iexact=email, is_active=True)
        tokens[role] = issue_token(user=user, name="fuzz", days=1).secret
    sys.stdout.write("\n" + json.dumps(tokens) + "\n")


if __name__ == "__main__":
    main()
