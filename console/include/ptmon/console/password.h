// Console passwords: Argon2id (RFC 9106) through Debian's libargon2, stored in its encoded form
// ($argon2id$v=19$m=…,t=…,p=…$salt$hash), so parameters can be raised later without breaking
// the hashes already stored.
#pragma once

#include <string>
#include <string_view>

#include <ptmon/base/status.h>

namespace ptmon {

// 8 to 1024 bytes; the message says what is wrong in words for the person choosing it.
Status CheckNewPassword(std::string_view password);

// A new random salt each time; fails only when the system has no randomness or memory.
Result<std::string> HashPassword(std::string_view password);

// Whether `password` matches `encoded`; false for anything that is not an Argon2id hash.
bool VerifyPassword(std::string_view password, const std::string& encoded);

// Work as long as one VerifyPassword, for names that have no account: a failed login takes the
// same time whether or not the name exists.
void VerifyAgainstNothing(std::string_view password);

// `bytes` random bytes as lower-case hex, from the system's CSPRNG (session ids, CSRF tokens).
Result<std::string> RandomHex(size_t bytes);

}  // namespace ptmon
