#include <cerrno>

#include <iconv.h>

#include <ptmon/base/text.h>
#include <ptmon/tables/csv.h>

namespace ptmon {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

int LineAt(std::string_view text, size_t offset) {
  int line = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) line += text[i] == '\n';
  return line;
}

Result<std::string> Convert(std::string_view input, const char* from, const char* to,
                            std::string_view what, int* error_line) {
  iconv_t cd = iconv_open(to, from);
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    return Status::Error(std::string("this system cannot convert ") + from + " to " + to);
  }
  std::string output(input.size() * 2 + 16, '\0');
  char* in = const_cast<char*>(input.data());
  size_t in_left = input.size();
  char* out = output.data();
  size_t out_left = output.size();
  while (in_left > 0) {
    if (iconv(cd, &in, &in_left, &out, &out_left) != static_cast<size_t>(-1)) break;
    if (errno == E2BIG) {
      const size_t used = static_cast<size_t>(out - output.data());
      output.resize(output.size() * 2);
      out = output.data() + used;
      out_left = output.size() - used;
      continue;
    }
    const int line = LineAt(input, input.size() - in_left);
    iconv_close(cd);
    if (error_line != nullptr) *error_line = line;
    return Status::Error(
        "含有无法识别的字符, 请在 Excel 中另存为 \"CSV UTF-8\" / the line has bytes that are " +
        std::string(what) + "; save the file as \"CSV UTF-8\" in Excel");
  }
  iconv_close(cd);
  output.resize(static_cast<size_t>(out - output.data()));
  return output;
}

}  // namespace

Result<std::string> DecodeText(std::string_view bytes, TextEncoding encoding, int* error_line) {
  if (bytes.starts_with(kBom)) {
    bytes.remove_prefix(kBom.size());
    if (encoding == TextEncoding::kAuto) encoding = TextEncoding::kUtf8;
  }
  if (encoding == TextEncoding::kAuto) {
    encoding = IsValidUtf8(bytes) ? TextEncoding::kUtf8 : TextEncoding::kGb18030;
  }
  if (encoding == TextEncoding::kUtf8) {
    if (!IsValidUtf8(bytes)) {
      return Convert(bytes, "UTF-8", "UTF-8", "not UTF-8", error_line).status();
    }
    return std::string(bytes);
  }
  return Convert(bytes, "GB18030", "UTF-8", "neither UTF-8 nor GBK/GB18030", error_line);
}

Result<std::string> EncodeGb18030(std::string_view utf8) {
  return Convert(utf8, "UTF-8", "GB18030", "not UTF-8", nullptr);
}

bool CsvReader::Next(CsvRow& row) {
  row.fields.clear();
  unquoted_.clear();
  if (!status_.ok() || pos_ >= text_.size()) return false;
  if (++rows_ > limits_.max_rows) {
    error_line_ = line_;
    status_ =
        Status::Error("行数超过 " + std::to_string(limits_.max_rows) + ", 请拆分文件 / more than " +
                      std::to_string(limits_.max_rows) + " rows; split the file");
    return false;
  }
  row.line = line_;
  // Reserve first so that views into unquoted_ stay valid while the row grows.
  unquoted_.reserve(limits_.max_fields_per_row);
  while (true) {
    if (row.fields.size() >= limits_.max_fields_per_row) {
      error_line_ = row.line;
      status_ =
          Status::Error("列数超过 " + std::to_string(limits_.max_fields_per_row) + " / more than " +
                        std::to_string(limits_.max_fields_per_row) + " columns");
      return false;
    }
    std::string_view field;
    if (pos_ < text_.size() && text_[pos_] == '"') {
      const int field_line = line_;
      size_t start = ++pos_;
      bool doubled = false;
      while (true) {
        const size_t quote = text_.find('"', pos_);
        if (quote == std::string_view::npos) {
          error_line_ = field_line;
          status_ = Status::Error("引号没有闭合 / a quoted cell is never closed (a \" is missing)");
          return false;
        }
        for (size_t i = pos_; i < quote; ++i) line_ += text_[i] == '\n';
        if (quote + 1 < text_.size() && text_[quote + 1] == '"') {
          doubled = true;
          pos_ = quote + 2;
          continue;
        }
        field = text_.substr(start, quote - start);
        pos_ = quote + 1;
        break;
      }
      if (doubled) {
        std::string plain;
        plain.reserve(field.size());
        for (size_t i = 0; i < field.size(); ++i) {
          plain += field[i];
          if (field[i] == '"') ++i;
        }
        unquoted_.push_back(std::move(plain));
        field = unquoted_.back();
      }
      if (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\r' && text_[pos_] != '\n') {
        error_line_ = line_;
        status_ = Status::Error(
            "引号后面还有文字 / text after a closing quote; put the whole cell in quotes");
        return false;
      }
    } else {
      // A plain loop: find_first_of calls memchr on the three separators for every byte.
      size_t stop = pos_;
      while (stop < text_.size() && text_[stop] != ',' && text_[stop] != '\n' &&
             text_[stop] != '\r') {
        ++stop;
      }
      field = text_.substr(pos_, stop - pos_);
      pos_ = stop;
    }
    if (field.size() > limits_.max_field_bytes) {
      error_line_ = row.line;
      status_ = Status::Error("单元格太长 / a cell is longer than " +
                              std::to_string(limits_.max_field_bytes) + " bytes");
      return false;
    }
    row.fields.push_back(field);
    if (pos_ >= text_.size()) return true;
    const char separator = text_[pos_++];
    if (separator == ',') continue;
    if (separator == '\r' && pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
    ++line_;
    return true;
  }
}

}  // namespace ptmon
