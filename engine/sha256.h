/* SHA-256 (FIPS 180-4) in pure C: incremental hashing and a hex digest helper. */
#ifndef VIGIL_SHA256_H
#define VIGIL_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32
#define SHA256_HEX_SIZE 65 /* 64 hex digits and the terminating NUL */

/* The running state of one hash. */
struct sha256 {
    uint32_t h[8];         /* the chaining value */
    uint64_t length;       /* bytes hashed so far */
    unsigned char block[64];
    size_t used;           /* bytes waiting in block */
};

/* Starts a hash. */
void sha256_init(struct sha256 *s);

/* Adds n bytes at data to the hash. */
void sha256_update(struct sha256 *s, const void *data, size_t n);

/* Finishes the hash and writes its 32 bytes to digest; s must be initialised again
 * before reuse. */
void sha256_final(struct sha256 *s, unsigned char digest[SHA256_DIGEST_SIZE]);

/* Writes the digest of n bytes at data as 64 lower-case hex digits and a NUL to hex. */
void sha256_hex(const void *data, size_t n, char hex[SHA256_HEX_SIZE]);

/* Writes the 32-byte digest as lower-case hex with a NUL to hex. */
void sha256_to_hex(const unsigned char digest[SHA256_DIGEST_SIZE], char hex[SHA256_HEX_SIZE]);

#endif
