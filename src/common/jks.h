// Java KeyStore (JKS), keytool's default format before Java 9, read without Java: the store's
// integrity digest and the private-key entries protected by Sun's KeyProtector. Only what the
// JWT bearer flow needs: the first private key, as PKCS#8 DER.
//
// Format (sun.security.provider.JavaKeyStore, big-endian): magic 0xFEEDFEED, version 1 or 2,
// entry count; each entry a tag (1 = private key, 2 = trusted certificate), the alias in Java's
// modified UTF-8 (u16 length), a u64 timestamp, then for a private key the protected key (u32
// length) and its certificate chain, for a certificate the certificate; version 2 writes each
// certificate's type ("X.509", u16 length) before its u32 length. The file ends with
// SHA-1(password as UTF-16BE || "Mighty Aphrodite" || every byte before the digest).
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "common/secret.h"

namespace sfpe {

// True when `bytes` starts with the JKS magic number 0xFEEDFEED.
bool looks_like_jks(std::string_view bytes);

// The first private-key entry of the JKS keystore `bytes` (read from `path`), decrypted with
// `password` (the store password, which must also be the key's password, keytool's default), as a
// DER PKCS#8 PrivateKeyInfo. A wrong password, a damaged file or a store without a private key is
// an error naming `property` and `path`; the password never appears in it.
Result<std::string> jks_private_key_pkcs8(std::string_view bytes, const Secret& password,
                                          const std::string& path, const std::string& property);

}  // namespace sfpe
