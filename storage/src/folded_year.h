// One series' newest values of one year, as the table folded_year keeps them: one row per series
// and year, so a start reads 76,000 rows for a province's 760,000 values (Store::Fold).
// Internal to the storage library.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include <ptmon/indicators/actuals.h>

namespace ptmon::storage_internal {

struct FoldedValue {
  bool present = false;
  double value = 0;  // meaningful when grade is kNone
  Grade grade = Grade::kNone;
  long long note_id = 0;  // 0: none
};
using FoldedYear = std::array<FoldedValue, 12>;  // January first

// Per present month, in month order: a header byte (the month 1–12 in the low four bits; 0x10
// when a grade byte follows instead of a number, 0x20 when a note id follows), then the number
// as the 8 little-endian bytes of its IEEE 754 double or the grade (its GradeCode), then the
// note id as 8 little-endian bytes.
std::string EncodeFoldedYear(const FoldedYear& year);
// False, with `year` unspecified, for bytes EncodeFoldedYear cannot have written.
bool DecodeFoldedYear(std::string_view bytes, FoldedYear& year);

}  // namespace ptmon::storage_internal
