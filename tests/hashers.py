from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with test-sized parameters, so hundreds of sign-ins stay quick."""

    time_cost = 1
    memory_cost = 256
    parallelism = 1
