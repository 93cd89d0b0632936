"""Who can sign in: staff (and, later, portal clients), and their API tokens."""

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils.crypto import salted_hmac


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with email and password.

    ``is_staff`` only means access to the Django admin; clinical roles live on
    ``people.StaffMember``.
    """

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(auto_now_add=True)
    # Raised by "sign out everywhere" (``end_all_sessions``): every session signed in
    # before carries the old number in its hash, so Django ends it on its next request.
    session_generation = models.PositiveIntegerField(default=0)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Every way a password changes (the page, a reset link, the admin, the
        # changepassword command) and every way an account closes ends in this save:
        # its API tokens end with it (finding 7 of issue 12).
        password_changed = getattr(self, "_password", None) is not None and self.pk is not None
        with transaction.atomic():
            super().save(*args, **kwargs)
            if password_changed or (self.pk is not None and not self.is_active):
                from kapcare.accounts.tokens import revoke_tokens

                revoke_tokens(
                    user=self,
                    because=(
                        RevokedBecause.PASSWORD_CHANGED
                        if password_changed
                        else RevokedBecause.DEACTIVATED
                    ),
                )

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Django's hash of the password, with the session generation mixed in once it
        has been raised (generation 0 keeps Django's own hash, so no one already signed
        in is signed out by this field's arrival)."""
        if not self.session_generation:
            return super()._get_session_auth_hash(secret=secret)  # type: ignore[misc, no-any-return]
        return salted_hmac(
            "kapcare.accounts.User.session_auth_hash",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def end_all_sessions(self) -> None:
        """Sign this person out everywhere: each session ends on its next request."""
        User.objects.filter(pk=self.pk).update(
            session_generation=models.F("session_generation") + 1
        )
        self.refresh_from_db(fields=["session_generation"])


class RevokedBecause(models.TextChoices):
    OWNER = "owner", "Revoked by its owner"
    COMMAND = "command", "Revoked by an administrator"
    PASSWORD_CHANGED = "password_changed", "Revoked when the password changed"
    DEACTIVATED = "deactivated", "Revoked when the account was closed"


class ApiToken(models.Model):
    """A personal access token. Only its SHA-256 digest is stored.

    Live while not revoked and not expired (``accounts.tokens``): a token that leaked
    into a script or a log stops working on its own, and on a password change.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12, help_text="First characters, to recognise it.")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_because = models.CharField(max_length=20, choices=RevokedBecause.choices, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "revoked_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(revoked_because__in=["", *RevokedBecause.values]),
                name="apitoken_revoked_because_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True, revoked_because="")
                | models.Q(revoked_at__isnull=False),
                name="apitoken_reason_only_when_revoked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
