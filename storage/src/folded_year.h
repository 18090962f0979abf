// One series' newest values of one year, as the table folded_year keeps them: one row per series
// and year, so a start reads 76,000 rows for a province's 760,000 values (Store::Fold), and
// their reasons with them instead of looking each up. Internal to the storage library.
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
  // The value's note as EncodeFoldedNote wrote it; empty when it has none. A view: into the
  // bytes decoded, or into what the caller keeps until the year is encoded.
  std::string_view note;
};
using FoldedYear = std::array<FoldedValue, 12>;  // January first

// Per present month, in month order: a header byte (the month 1–12 in the low four bits; 0x10
// when a grade byte follows instead of a number, 0x20 when a note follows), then the number as
// the 8 little-endian bytes of its IEEE 754 double or the grade (its GradeCode), then the note.
std::string EncodeFoldedYear(const FoldedYear& year);
// False, with `year` unspecified, for bytes EncodeFoldedYear cannot have written.
bool DecodeFoldedYear(std::string_view bytes, FoldedYear& year);

// A note's four texts in ValueNotes' order, each as its length (LEB128) and its bytes.
std::string EncodeFoldedNote(const ValueNotes& notes);
// Reuses the texts' storage in `notes`; false for bytes EncodeFoldedNote cannot have written.
bool DecodeFoldedNote(std::string_view bytes, ValueNotes& notes);

}  // namespace ptmon::storage_internal
