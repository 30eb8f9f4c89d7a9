"""Shamir sharing of the organisation escrow key among trustees (SLIP-39 mnemonics).

The escrow private key restores access when staff lose both password and recovery key, so it
is never stored: at install time it is split into ``shares`` mnemonics, any ``threshold`` of
which rebuild it. Fewer reveal nothing about it. SLIP-39 words come from a list where the first
four letters identify each word, and every share carries a checksum, so a mistyped share is
caught and named rather than silently rebuilding a wrong key.

A passphrase, if used, cannot be checked: a wrong one rebuilds a *different* secret. Callers
should confirm the result, for instance by comparing ``keypair_from_private(secret).public``
with the escrow public key they already hold.
"""

from __future__ import annotations

from collections.abc import Sequence

import shamir_mnemonic
from shamir_mnemonic.wordlist import WORD_INDEX_MAP

from rightsdesk.crypto.errors import InvalidShares

MAX_SHARES = 16
"""SLIP-39 numbers shares with four bits."""


def split_secret(
    secret: bytes, *, shares: int, threshold: int, passphrase: bytes = b""
) -> list[str]:
    """``shares`` mnemonics, any ``threshold`` of which give back ``secret``.

    SLIP-39 needs a secret of at least 16 bytes and an even length (an X25519 key has 32) and a
    passphrase of printable ASCII. It forbids several shares of one group with threshold 1, so
    a 1-of-n split is made as n one-share groups, any one of which suffices; ``combine_shares``
    handles both.
    """
    if not 1 <= threshold <= shares <= MAX_SHARES:
        raise ValueError(
            f"need 1 <= threshold <= shares <= {MAX_SHARES}, "
            f"not threshold={threshold}, shares={shares}"
        )
    if len(secret) < 16 or len(secret) % 2:
        raise ValueError("the secret must have an even number of bytes, at least 16")
    if not all(32 <= byte <= 126 for byte in passphrase):
        raise ValueError("the passphrase must be printable ASCII")
    one_of_many = threshold == 1 and shares > 1
    groups = [(1, 1)] * shares if one_of_many else [(threshold, shares)]
    mnemonics: list[list[str]] = shamir_mnemonic.generate_mnemonics(
        group_threshold=1, groups=groups, master_secret=secret, passphrase=passphrase
    )
    return [mnemonic for group in mnemonics for mnemonic in group]


def _parse(number: int, mnemonic: str) -> shamir_mnemonic.Share:
    # Messages name the share and the word position but never repeat the words: they may be
    # logged, and a share's words are secret.
    words = mnemonic.lower().split()
    for position, word in enumerate(words, start=1):
        if word not in WORD_INDEX_MAP:
            raise InvalidShares(
                f"share {number}, word {position} is not a SLIP-39 word; check its spelling"
            )
    try:
        return shamir_mnemonic.Share.from_mnemonic(" ".join(words))
    except shamir_mnemonic.MnemonicError:
        raise InvalidShares(
            f"share {number} does not check out: a word is wrong, missing or out of order"
        ) from None


def combine_shares(mnemonics: Sequence[str], *, passphrase: bytes = b"") -> bytes:
    """The secret rebuilt from trustees' mnemonics; blank entries are ignored.

    Any number of shares at or above the threshold may be given (the surplus is not needed),
    and a share typed twice counts once. Raises ``InvalidShares`` saying what is wrong.
    """
    if isinstance(mnemonics, str):
        raise TypeError("pass a list of shares, not a single string")
    parsed = [
        _parse(number, mnemonic)
        for number, mnemonic in enumerate(mnemonics, start=1)
        if mnemonic.strip()
    ]
    if not parsed:
        raise InvalidShares("no shares were given")
    if len({share.common_parameters() for share in parsed}) > 1:
        raise InvalidShares("these shares come from different splits and cannot be combined")

    groups: dict[int, dict[int, shamir_mnemonic.Share]] = {}
    for share in parsed:
        members = groups.setdefault(share.group_index, {})
        if members.setdefault(share.index, share) != share:
            raise InvalidShares(
                "two different shares carry the same number; one of them is mistyped"
            )
    group_threshold: int = parsed[0].group_threshold
    complete = [
        list(members.values())[: next(iter(members.values())).member_threshold]
        for members in groups.values()
        if len(members) >= next(iter(members.values())).member_threshold
    ]
    if len(complete) < group_threshold:
        if len(groups) == 1 and group_threshold == 1:
            members = next(iter(groups.values()))
            needed: int = next(iter(members.values())).member_threshold
            raise InvalidShares(
                f"{needed} different shares are needed to rebuild the key; "
                f"only {len(members)} were given"
            )
        raise InvalidShares("not enough shares to rebuild the key")

    chosen = [share.mnemonic() for group in complete[:group_threshold] for share in group]
    try:
        secret: bytes = shamir_mnemonic.combine_mnemonics(chosen, passphrase=passphrase)
    except (shamir_mnemonic.MnemonicError, ValueError):
        raise InvalidShares("the shares do not fit together; one of them may be altered") from None
    return secret
