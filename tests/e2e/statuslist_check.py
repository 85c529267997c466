#!/usr/bin/env python3
"""An independent reader of Attest's status lists (draft-ietf-oauth-status-list): PyJWT
and zlib, nothing of the portal's. For each token given, it verifies the token and the
status list it names against the portal's published JWK Set and prints
`<jti> <status value>` (0 valid, 1 invalid, 2 suspended).

    statuslist_check.py BASE_URL TOKEN...
"""
import base64
import json
import sys
import urllib.request
import zlib

import jwt


def get(url, accept=None):
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read().decode(), response.headers


def key_for(jwks, token):
    kid = jwt.get_unverified_header(token)["kid"]
    for jwk in jwks["keys"]:
        if jwk["kid"] == kid:
            return jwt.PyJWK(jwk).key
    raise SystemExit(f"no key {kid} in the JWK Set")


def main():
    base, tokens = sys.argv[1].rstrip("/"), sys.argv[2:]
    jwks = json.loads(get(base + "/.well-known/jwks.json")[0])
    for token in tokens:
        assert jwt.get_unverified_header(token)["typ"] == "attestation+jwt"
        claims = jwt.decode(
            token,
            key_for(jwks, token),
            algorithms=["EdDSA"],
            audience=jwt.decode(token, options={"verify_signature": False})["aud"],
            issuer=base,
        )
        entry = claims["status"]["status_list"]
        listed, headers = get(entry["uri"], "application/statuslist+jwt")
        assert headers["Content-Type"] == "application/statuslist+jwt", headers
        header = jwt.get_unverified_header(listed)
        assert header["typ"] == "statuslist+jwt", header
        status_list = jwt.decode(
            listed,
            key_for(jwks, listed),
            algorithms=["EdDSA"],
            options={"require": ["sub", "iat", "exp"]},
        )
        assert status_list["sub"] == entry["uri"], (status_list["sub"], entry["uri"])
        bits = status_list["status_list"]["bits"]
        lst = status_list["status_list"]["lst"]
        data = zlib.decompress(base64.urlsafe_b64decode(lst + "=" * (-len(lst) % 4)))
        # Section 4.1: statuses packed from the least significant bit of each byte.
        per_byte = 8 // bits
        idx = entry["idx"]
        value = (data[idx // per_byte] >> ((idx % per_byte) * bits)) & ((1 << bits) - 1)
        print(claims["jti"], value)


if __name__ == "__main__":
    main()
