#include <array>

#include <argon2.h>
#include <openssl/rand.h>

#include <ptmon/console/password.h>

namespace ptmon {

namespace {

// OWASP's Argon2id minimum (19 MiB, two passes, one lane): about 30 ms here, so the CPU a
// guessing attacker can spend is bounded by the login throttle long before the machine's.
constexpr uint32_t kTimeCost = 2;
constexpr uint32_t kMemoryKiB = 19 * 1024;
constexpr uint32_t kLanes = 1;
constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;

}  // namespace

Status CheckNewPassword(std::string_view password) {
  if (password.size() < 8) return Status::Error("the password must be at least 8 characters");
  if (password.size() > 1024) return Status::Error("the password must be at most 1024 bytes");
  return Status::Ok();
}

Result<std::string> RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1)
    return Status::IoError("the system's random number generator failed");
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes * 2);
  for (unsigned char byte : raw) {
    hex += kDigits[byte >> 4];
    hex += kDigits[byte & 15];
  }
  return hex;
}

Result<std::string> HashPassword(std::string_view password) {
  std::array<unsigned char, kSaltBytes> salt{};
  if (RAND_bytes(salt.data(), salt.size()) != 1)
    return Status::IoError("the system's random number generator failed");
  const size_t length =
      argon2_encodedlen(kTimeCost, kMemoryKiB, kLanes, kSaltBytes, kHashBytes, Argon2_id);
  std::string encoded(length, '\0');
  const int result =
      argon2id_hash_encoded(kTimeCost, kMemoryKiB, kLanes, password.data(), password.size(),
                            salt.data(), salt.size(), kHashBytes, encoded.data(), encoded.size());
  if (result != ARGON2_OK)
    return Status::Error(std::string("hashing the password failed: ") +
                         argon2_error_message(result));
  encoded.resize(encoded.find('\0'));
  return encoded;
}

bool VerifyPassword(std::string_view password, const std::string& encoded) {
  if (!encoded.starts_with("$argon2id$")) return false;
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

void VerifyAgainstNothing(std::string_view password) {
  // A fixed hash of a random password with the current parameters.
  static const std::string kDecoy = [] {
    auto hash = HashPassword("ptmon decoy password, never a user's");
    return hash.ok() ? *hash : std::string();
  }();
  if (!kDecoy.empty()) VerifyPassword(password, kDecoy);
}

}  // namespace ptmon
