#include "folded_year.h"

#include <bit>
#include <cstdint>
#include <optional>

namespace ptmon::storage_internal {

namespace {

constexpr uint8_t kMonthBits = 0x0f;
constexpr uint8_t kGradeFollows = 0x10;
constexpr uint8_t kNoteFollows = 0x20;
constexpr int kNoteTexts = 4;

void AppendLittleEndian(std::string& out, uint64_t bits) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
}

uint64_t ReadLittleEndian(std::string_view bytes) {
  uint64_t bits = 0;
  for (int i = 0; i < 8; ++i) bits |= uint64_t{static_cast<uint8_t>(bytes[i])} << (8 * i);
  return bits;
}

void AppendText(std::string& out, std::string_view text) {
  for (uint64_t size = text.size();; size >>= 7) {
    const auto low = static_cast<uint8_t>(size & 0x7f);
    if (size < 0x80) {
      out.push_back(static_cast<char>(low));
      break;
    }
    out.push_back(static_cast<char>(low | 0x80));
  }
  out += text;
}

// The next text of `bytes`, which it consumes; nothing when the bytes end first.
std::optional<std::string_view> TakeText(std::string_view& bytes) {
  uint64_t size = 0;
  for (int shift = 0;; shift += 7) {
    if (bytes.empty() || shift > 28) return std::nullopt;  // texts are far below 4 GiB
    const auto byte = static_cast<uint8_t>(bytes[0]);
    bytes.remove_prefix(1);
    size |= uint64_t{byte & 0x7fu} << shift;
    if ((byte & 0x80) == 0) break;
  }
  if (size > bytes.size()) return std::nullopt;
  const std::string_view text = bytes.substr(0, size);
  bytes.remove_prefix(size);
  return text;
}

}  // namespace

std::string EncodeFoldedYear(const FoldedYear& year) {
  std::string out;
  for (size_t month = 1; month <= year.size(); ++month) {
    const FoldedValue& value = year[month - 1];
    if (!value.present) continue;
    const bool graded = value.grade != Grade::kNone;
    out.push_back(static_cast<char>(month | (graded ? kGradeFollows : 0) |
                                    (value.note.empty() ? 0 : kNoteFollows)));
    if (graded) {
      out.push_back(static_cast<char>(GradeCode(value.grade)));
    } else {
      AppendLittleEndian(out, std::bit_cast<uint64_t>(value.value));
    }
    out += value.note;
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
    const size_t size = 1 + (graded ? 1 : 8);
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
    bytes.remove_prefix(size);
    if ((header & kNoteFollows) != 0) {
      const std::string_view note_start = bytes;
      for (int text = 0; text < kNoteTexts; ++text) {
        if (!TakeText(bytes)) return false;
      }
      value.note = note_start.substr(0, note_start.size() - bytes.size());
    }
    last_month = month;
  }
  return true;
}

std::string EncodeFoldedNote(const ValueNotes& notes) {
  std::string out;
  for (const std::string* text :
       {&notes.reason_category, &notes.reason, &notes.action, &notes.likelihood}) {
    AppendText(out, *text);
  }
  return out;
}

bool DecodeFoldedNote(std::string_view bytes, ValueNotes& notes) {
  for (std::string* text :
       {&notes.reason_category, &notes.reason, &notes.action, &notes.likelihood}) {
    const auto taken = TakeText(bytes);
    if (!taken) return false;
    text->assign(*taken);
  }
  return bytes.empty();
}

}  // namespace ptmon::storage_internal
