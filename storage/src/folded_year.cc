#include "folded_year.h"

#include <bit>
#include <cstdint>

namespace ptmon::storage_internal {

namespace {

constexpr uint8_t kMonthBits = 0x0f;
constexpr uint8_t kGradeFollows = 0x10;
constexpr uint8_t kNoteFollows = 0x20;

void AppendLittleEndian(std::string& out, uint64_t bits) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
}

uint64_t ReadLittleEndian(std::string_view bytes) {
  uint64_t bits = 0;
  for (int i = 0; i < 8; ++i) bits |= uint64_t{static_cast<uint8_t>(bytes[i])} << (8 * i);
  return bits;
}

}  // namespace

std::string EncodeFoldedYear(const FoldedYear& year) {
  std::string out;
  out.reserve(year.size() * 17);
  for (size_t month = 1; month <= year.size(); ++month) {
    const FoldedValue& value = year[month - 1];
    if (!value.present) continue;
    const bool graded = value.grade != Grade::kNone;
    out.push_back(static_cast<char>(month | (graded ? kGradeFollows : 0) |
                                    (value.note_id != 0 ? kNoteFollows : 0)));
    if (graded) {
      out.push_back(static_cast<char>(GradeCode(value.grade)));
    } else {
      AppendLittleEndian(out, std::bit_cast<uint64_t>(value.value));
    }
    if (value.note_id != 0) AppendLittleEndian(out, static_cast<uint64_t>(value.note_id));
  }
  return out;
}

bool DecodeFoldedYear(std::string_view bytes, FoldedYear& year) {
  year = {};
  size_t last_month = 0;
  while (!bytes.empty()) {
    const auto header = static_cast<uint8_t>(bytes[0]);
    const size_t month = header & kMonthBits;
    const bool graded = (header & kGradeFollows) != 0;
    const bool noted = (header & kNoteFollows) != 0;
    const size_t size = 1 + (graded ? 1 : 8) + (noted ? 8 : 0);
    if ((header & ~(kMonthBits | kGradeFollows | kNoteFollows)) != 0 || month <= last_month ||
        month > year.size() || bytes.size() < size) {
      return false;
    }
    FoldedValue& value = year[month - 1];
    value.present = true;
    if (graded) {
      value.grade = GradeFromCode(static_cast<uint8_t>(bytes[1]));
      if (value.grade == Grade::kNone) return false;
    } else {
      value.value = std::bit_cast<double>(ReadLittleEndian(bytes.substr(1)));
    }
    if (noted) {
      value.note_id = static_cast<long long>(ReadLittleEndian(bytes.substr(graded ? 2 : 9)));
      if (value.note_id == 0) return false;
    }
    last_month = month;
    bytes.remove_prefix(size);
  }
  return true;
}

}  // namespace ptmon::storage_internal
