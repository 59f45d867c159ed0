"""Bearer-token identity: who is calling, with which roles, for which agency."""

from sharik.auth.principal import Principal, Role
from sharik.auth.tokens import TokenVerifier, mint_token

__all__ = ["Principal", "Role", "TokenVerifier", "mint_token"]
