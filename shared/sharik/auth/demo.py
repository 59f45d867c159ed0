"""`sharik-token`: print a signed development token for a role.

    sharik-token --key dev-private.pem --role officer --agency mtcit --subject officer-1
"""

import argparse
from pathlib import Path

from sharik.auth.tokens import mint_token


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--key", required=True, type=Path, help="ES256 private key (PEM)")
    parser.add_argument("--role", required=True, action="append", dest="roles")
    parser.add_argument("--subject", required=True)
    parser.add_argument("--agency")
    parser.add_argument("--governorate")
    parser.add_argument("--wilayat")
    args = parser.parse_args()
    print(
        mint_token(
            args.key.read_text(),
            subject=args.subject,
            roles=args.roles,
            agency=args.agency,
            governorate=args.governorate,
            wilayat=args.wilayat,
        )
    )
