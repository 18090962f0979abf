// A PDF's table cells from poppler's layout analysis (pdftotext -bbox-layout): each text block
// is a cell, its wrapped lines joined again; blocks whose heights overlap on a page form a row
// (a one-line cell sits centred beside a wrapped one), and a row's cells are ordered left to
// right and separated by tabs, as the disclosure reader takes them.
#include <algorithm>
#include <cstdlib>
#include <memory>

#include <expat.h>

#include <ptmon/import/catalog_import.h>

namespace ptmon {

namespace {

struct Block {
  double top = 0, bottom = 0, left = 0;
  std::string text;
};

bool IsAsciiByte(char c) { return (static_cast<unsigned char>(c) & 0x80) == 0; }

class LayoutReader {
 public:
  Status Parse(std::string_view xhtml) {
    std::unique_ptr<XML_ParserStruct, decltype(&XML_ParserFree)> parser(XML_ParserCreate(nullptr),
                                                                        &XML_ParserFree);
    if (!parser) return Status::Error("out of memory for the XML parser");
    XML_SetUserData(parser.get(), this);
    XML_SetElementHandler(parser.get(), &LayoutReader::OnStart, &LayoutReader::OnEnd);
    XML_SetCharacterDataHandler(parser.get(), &LayoutReader::OnText);
    // pdftotext names the XHTML DTD but defines no entities; nothing is fetched or expanded.
    XML_SetParamEntityParsing(parser.get(), XML_PARAM_ENTITY_PARSING_NEVER);
    if (XML_Parse(parser.get(), xhtml.data(), static_cast<int>(xhtml.size()), XML_TRUE) !=
        XML_STATUS_OK) {
      return Status::Error("pdftotext's layout cannot be read (line " +
                           std::to_string(XML_GetCurrentLineNumber(parser.get())) + ": " +
                           XML_ErrorString(XML_GetErrorCode(parser.get())) + ")");
    }
    FinishPage();
    return Status::Ok();
  }

  std::string Take() { return std::move(text_); }

 private:
  static double Attribute(const XML_Char** attributes, std::string_view name) {
    for (size_t i = 0; attributes[i] != nullptr; i += 2) {
      if (name == attributes[i]) return std::strtod(attributes[i + 1], nullptr);
    }
    return 0;
  }

  static void OnStart(void* self, const XML_Char* name, const XML_Char** attributes) {
    auto& reader = *static_cast<LayoutReader*>(self);
    const std::string_view element = name;
    if (element == "page") {
      reader.FinishPage();
    } else if (element == "block") {
      reader.block_ = Block{Attribute(attributes, "yMin"), Attribute(attributes, "yMax"),
                            Attribute(attributes, "xMin"), ""};
      reader.in_block_ = true;
    } else if (element == "line") {
      reader.line_.clear();
    } else if (element == "word") {
      reader.word_.clear();
      reader.in_word_ = true;
    }
  }

  static void OnEnd(void* self, const XML_Char* name) {
    auto& reader = *static_cast<LayoutReader*>(self);
    const std::string_view element = name;
    if (element == "word") {
      reader.in_word_ = false;
      if (!reader.line_.empty()) reader.line_ += ' ';
      reader.line_ += reader.word_;
    } else if (element == "line" && reader.in_block_) {
      std::string& text = reader.block_.text;
      // A cell wrapped inside a Chinese phrase joins without a space; Latin text with one.
      if (!text.empty() && !reader.line_.empty() && IsAsciiByte(text.back()) &&
          IsAsciiByte(reader.line_.front())) {
        text += ' ';
      }
      text += reader.line_;
    } else if (element == "block") {
      reader.in_block_ = false;
      if (!reader.block_.text.empty()) reader.page_.push_back(std::move(reader.block_));
    }
  }

  static void OnText(void* self, const XML_Char* text, int length) {
    auto& reader = *static_cast<LayoutReader*>(self);
    if (reader.in_word_) reader.word_.append(text, static_cast<size_t>(length));
  }

  void FinishPage() {
    std::sort(page_.begin(), page_.end(),
              [](const Block& a, const Block& b) { return a.top < b.top; });
    std::vector<Block> row;
    double row_bottom = 0;
    auto emit = [&] {
      std::sort(row.begin(), row.end(),
                [](const Block& a, const Block& b) { return a.left < b.left; });
      for (size_t i = 0; i < row.size(); ++i) text_ += (i > 0 ? "\t" : "") + row[i].text;
      if (!row.empty()) text_ += "\n";
      row.clear();
    };
    for (auto& block : page_) {
      // Overlapping heights are one row; a point of slack for rounding.
      if (!row.empty() && block.top >= row_bottom - 1.0) emit();
      row_bottom = row.empty() ? block.bottom : std::max(row_bottom, block.bottom);
      row.push_back(std::move(block));
    }
    emit();
    page_.clear();
  }

  std::vector<Block> page_;
  Block block_;
  bool in_block_ = false;
  bool in_word_ = false;
  std::string line_, word_;
  std::string text_;
};

}  // namespace

Result<std::string> DisclosureTextFromPdfLayout(std::string_view xhtml) {
  LayoutReader reader;
  if (Status parsed = reader.Parse(xhtml); !parsed.ok()) return parsed;
  return reader.Take();
}

}  // namespace ptmon
