"""A cast vote and the receipt the voter keeps."""

import base64
import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Vote:
    """What was chosen; never who chose it (the voter is recorded apart)."""

    vote_id: str
    ballot_id: str
    choice: tuple[str, ...]

    @property
    def receipt(self) -> str:
        return receipt_of(self.vote_id)

    @property
    def public_id(self) -> str:
        """The id VoteCast carries. Derived one-way like the receipt but apart from it,
        so the public vote stream and the public receipt list cannot be joined, which
        would let a voter prove a choice on a binding ballot."""
        return public_id_of(self.vote_id)


def public_id_of(vote_id: str) -> str:
    """VoteCast's vote id, and the id of the vote once filed (board_store.py)."""
    return hashlib.sha256(f"public:{vote_id}".encode()).hexdigest()[:32]


def receipt_of(vote_id: str) -> str:
    """A code the voter keeps: derived one-way from the random vote id, so it names
    neither the voter nor the choice, and the bulletin board lists it."""
    digest = hashlib.sha256(f"receipt:{vote_id}".encode()).digest()
    code = base64.b32encode(digest[:10]).decode()
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
