// TLS material in the file formats Kafka and Java users already have: PEM files and PKCS#12
// keystores (what `keytool` and `openssl pkcs12` make today). JKS, Java's old proprietary
// format, is read only for a private key (load_private_key); as a TLS store the errors say how
// to convert it.
#pragma once

#include <openssl/types.h>

#include <memory>
#include <string>

#include "common/result.h"
#include "common/secret.h"

namespace sfpe {

enum class StoreType { kPem, kPkcs12, kJks };

// "PEM", "PKCS12" (also "P12", "PFX"), "JKS", any case; empty: from the file name (.p12 / .pfx
// -> PKCS12, .jks -> JKS, anything else PEM). An unknown name is an error naming `property`.
Result<StoreType> store_type(const std::string& type, const std::string& path,
                             const std::string& property);

// Every certificate of a PKCS#12 file (the key's certificate and the CA list) as one PEM text, for
// use as a trust bundle. A wrong password, an unreadable file or a file without certificates is
// an error naming `property`; the password never appears in it.
Result<std::string> pkcs12_certificates_pem(const std::string& path, const Secret& password,
                                            const std::string& property);

// Checks that a PKCS#12 keystore opens with `password` and holds a private key and its
// certificate, so that a bad keystore fails at start-up rather than at the first handshake.
Status check_pkcs12_keystore(const std::string& path, const Secret& password,
                             const std::string& property);

// The PEM file of CA certificates at `path` (a trust store that replaces the system's), as text.
// An unreadable file, or one in which OpenSSL finds no certificate, is an error naming
// `property` and `path`: a trust setting must never fall back to the system store unnoticed.
Result<std::string> read_ca_certificates(const std::string& path, const std::string& property);

// An OpenSSL private key, freed with the last copy.
using PrivateKey = std::shared_ptr<EVP_PKEY>;

// The private key of the keystore at `path`, whose type is told by its content, not its name:
// JKS (magic 0xFEEDFEED; the first private-key entry), PKCS#12 (DER), or PEM text (PKCS#8,
// encrypted or not, or a traditional "RSA PRIVATE KEY", optionally encrypted; other PEM blocks
// such as certificates may come first). `password` opens the store and the key. A wrong
// password, an unreadable or damaged file or a store without a private key is an error naming
// `property` and `path`; the password never appears in it.
Result<PrivateKey> load_private_key(const std::string& path, const Secret& password,
                                    const std::string& property);

}  // namespace sfpe
