#!/usr/bin/env python3
"""Makes fake tokens with valid offline checksums for rule examples.

    python3 rules/tools/checksum.py ghp_            # GitHub classic PAT (30 random chars + CRC32)
    python3 rules/tools/checksum.py npm_            # npm token
    python3 rules/tools/checksum.py ghr_ 70         # body length other than 30

The body is random; the last six characters are base62(CRC32(body)), left-padded with 0.
"""
import secrets
import string
import sys
import zlib

ALPHABET = string.digits + string.ascii_uppercase + string.ascii_lowercase


def base62_crc32(body: str) -> str:
    n = zlib.crc32(body.encode())
    out = ""
    for _ in range(6):
        out = ALPHABET[n % 62] + out
        n //= 62
    return out


def main() -> None:
    prefix = sys.argv[1] if len(sys.argv) > 1 else "ghp_"
    length = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    body = "".join(secrets.choice(ALPHABET) for _ in range(length))
    print(prefix + body + base62_crc32(body))


if __name__ == "__main__":
    main()
