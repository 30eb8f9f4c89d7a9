"""rightsdesk's cryptography, on top of libsodium (PyNaCl) and Argon2id.

This package imports nothing from Django: it can be read, tested and reviewed on its own, and the
rest of the project reaches libsodium only through it.
"""
