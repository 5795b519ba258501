/* Unit tests of engine/sha256.c: the FIPS 180-4 example vectors (NIST "SHA256.pdf",
 * "SHA2_Additional.pdf") and incremental hashing across block boundaries. */
#include "sha256.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>


/* The digest of the string s through sha256_hex. */
static void check(const char *s, size_t n, const char *want, const char *name)
{
    char hex[SHA256_HEX_SIZE];
    sha256_hex(s, n, hex);
    unit_is_str(hex, want, name);
}

void test_sha256(void)
{
    check("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
          "sha256: FIPS one-block message 'abc'");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    check(two, strlen(two), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
          "sha256: FIPS two-block message");
    check("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
          "sha256: empty message");
    /* one million 'a' (FIPS long message), fed in uneven pieces */
    struct sha256 s;
    unsigned char digest[SHA256_DIGEST_SIZE];
    char hex[SHA256_HEX_SIZE];
    char chunk[997];
    memset(chunk, 'a', sizeof chunk);
    sha256_init(&s);
    size_t left = 1000000;
    while (left > 0) {
        size_t n = left < sizeof chunk ? left : sizeof chunk;
        sha256_update(&s, chunk, n);
        left -= n;
    }
    sha256_final(&s, digest);
    sha256_to_hex(digest, hex);
    unit_is_str(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
                "sha256: one million 'a' in 997-byte pieces");
    /* 55, 56 and 64 bytes: the padding edge cases, whole versus byte by byte */
    for (size_t n = 55; n <= 64; n++) {
        char buf[64];
        memset(buf, 'x', n);
        char whole[SHA256_HEX_SIZE];
        sha256_hex(buf, n, whole);
        sha256_init(&s);
        for (size_t i = 0; i < n; i++)
            sha256_update(&s, buf + i, 1);
        sha256_final(&s, digest);
        sha256_to_hex(digest, hex);
        unit_ok(strcmp(whole, hex) == 0, "sha256: %zu bytes whole = byte by byte", n);
    }
}
