from rightsdesk.crypto import errors, server_secrets


def test_hierarchy_lets_callers_catch_what_they_need():
    assert issubclass(errors.DecryptionFailed, errors.CryptoError)
    assert issubclass(errors.WrongPassword, errors.DecryptionFailed)
    assert issubclass(errors.StreamCorrupted, errors.DecryptionFailed)
    assert issubclass(errors.InvalidShares, errors.CryptoError)
    assert not issubclass(errors.InvalidShares, errors.DecryptionFailed)


def test_server_secrets_shares_the_decryption_exception():
    assert server_secrets.DecryptionFailed is errors.DecryptionFailed
