#include <algorithm>
#include <charconv>
#include <cmath>
#include <memory>
#include <unordered_map>

#include <expat.h>
#include <zip.h>

#include <ptmon/base/location.h>
#include <ptmon/tables/xlsx.h>

namespace ptmon {

namespace {

constexpr std::string_view kSaveAgain =
    "请在 Excel、WPS 或 LibreOffice 中打开并另存为 .xlsx / open it in Excel, WPS or LibreOffice "
    "and save it again as .xlsx";

constexpr std::string_view kTooManyCells =
    "工作簿的单元格过多 / the workbook has too many cells for a monthly report; copy the report "
    "rows into a new workbook";

Status Damaged(const std::string& detail) {
  return Status::Error("工作簿已损坏或不完整 / the workbook is damaged or incomplete (" + detail +
                       "); " + std::string(kSaveAgain));
}

// An old binary workbook, or an encrypted new one, is an OLE compound file, not a zip.
Status CompoundFileStatus(std::string_view bytes) {
  // Stream names are UTF-16 in the directory; an encrypted workbook has "EncryptionInfo".
  constexpr char kEncryptionInfo[] = "E\0n\0c\0r\0y\0p\0t\0i\0o\0n\0I\0n\0f\0o\0";
  if (bytes.find(std::string_view(kEncryptionInfo, sizeof kEncryptionInfo - 1)) !=
      std::string_view::npos) {
    return Status::Error(
        "工作簿设置了打开密码, 请取消密码后另存 / the workbook is protected by a password; remove "
        "the password (Excel: 文件 → 信息 → 保护工作簿 → 用密码进行加密) and save it again");
  }
  return Status::Error(
      "这是旧版 .xls 工作簿, 不能读取, 请另存为 .xlsx 或 CSV / this is an old .xls workbook "
      "(perhaps renamed); save it as .xlsx (Excel 工作簿) or CSV and submit that");
}

struct ZipCloser {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
struct ZipFileCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};

// The archive's parts, inflated on demand within the limits.
class Package {
 public:
  static Result<Package> Open(std::string_view bytes, const XlsxLimits& limits) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    if (source == nullptr) return Damaged(zip_error_strerror(&error));
    zip_t* archive = zip_open_from_source(source, ZIP_RDONLY, &error);
    if (archive == nullptr) {
      zip_source_free(source);
      const std::string reason = zip_error_strerror(&error);
      zip_error_fini(&error);
      return Damaged("not a readable zip archive: " + reason);
    }
    Package package(archive, limits);
    const zip_int64_t entries = zip_get_num_entries(archive, 0);
    if (entries < 0 || static_cast<size_t>(entries) > limits.max_entries) {
      return Damaged("it holds " + std::to_string(entries) + " parts, more than the " +
                     std::to_string(limits.max_entries) + " a workbook may have");
    }
    return package;
  }

  bool Has(const std::string& name) const { return Locate(name) >= 0; }

  // The inflated part; its size is checked as it is read, whatever the zip headers claim.
  Result<std::string> Read(const std::string& name) {
    const zip_int64_t index = Locate(name);
    if (index < 0) return Damaged("the part " + name + " is missing");
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(archive_.get(), static_cast<zip_uint64_t>(index), 0, &stat) == 0 &&
        (stat.valid & ZIP_STAT_ENCRYPTION_METHOD) != 0 && stat.encryption_method != ZIP_EM_NONE) {
      return Status::Error(
          "工作簿的内容被加密, 请取消密码后另存 / the workbook's parts are "
          "encrypted; remove the password and save it again");
    }
    std::unique_ptr<zip_file_t, ZipFileCloser> file(
        zip_fopen_index(archive_.get(), static_cast<zip_uint64_t>(index), 0));
    if (!file) return Damaged(name + ": " + zip_strerror(archive_.get()));
    std::string text;
    char buffer[64 * 1024];
    for (;;) {
      const zip_int64_t got = zip_fread(file.get(), buffer, sizeof buffer);
      if (got < 0) return Damaged(name + ": " + zip_file_strerror(file.get()));
      if (got == 0) break;
      text.append(buffer, static_cast<size_t>(got));
      total_ += static_cast<size_t>(got);
      const bool part_too_large = text.size() > limits_.max_part_bytes;
      if (part_too_large || total_ > limits_.max_total_bytes) {
        const std::string what = part_too_large
                                     ? "the part " + name + " alone passes " +
                                           std::to_string(limits_.max_part_bytes >> 20) + " MiB"
                                     : "its parts together pass " +
                                           std::to_string(limits_.max_total_bytes >> 20) + " MiB";
        return Status::Error("工作簿解压后过大 / the workbook is too large once unpacked (" + what +
                             "): it may be a zip bomb; a monthly report is far smaller — copy "
                             "the report rows into a new workbook");
      }
    }
    return text;
  }

 private:
  Package(zip_t* archive, const XlsxLimits& limits) : archive_(archive), limits_(limits) {}

  zip_int64_t Locate(const std::string& name) const {
    return zip_name_locate(archive_.get(), name.c_str(), ZIP_FL_NOCASE);
  }

  std::unique_ptr<zip_t, ZipCloser> archive_;
  XlsxLimits limits_;
  size_t total_ = 0;
};

// ---- XML ------------------------------------------------------------------------------------

// An element as the handlers see it: the local name (namespaces stripped) and its attributes.
struct Element {
  std::string_view name;
  const XML_Char** attributes;

  std::string_view Attribute(std::string_view local) const {
    for (const XML_Char** a = attributes; *a != nullptr; a += 2) {
      if (LocalName(a[0]) == local) return a[1];
    }
    return {};
  }
  static std::string_view LocalName(std::string_view name) {
    const size_t bar = name.rfind('|');  // "uri|local" from a namespace-aware parser
    return bar == std::string_view::npos ? name : name.substr(bar + 1);
  }
};

// Parses one part with callbacks for elements and text; refuses DTDs (entity expansion) and
// nesting deeper than the limit.
class XmlPart {
 public:
  virtual ~XmlPart() = default;

  Status Parse(const std::string& part, std::string_view text, int max_depth) {
    std::unique_ptr<XML_ParserStruct, decltype(&XML_ParserFree)> parser(
        XML_ParserCreateNS(nullptr, '|'), &XML_ParserFree);
    if (!parser) return Status::Error("out of memory for the XML parser");
    parser_ = parser.get();
    max_depth_ = max_depth;
    XML_SetUserData(parser_, this);
    XML_SetElementHandler(parser_, &XmlPart::OnStart, &XmlPart::OnEnd);
    XML_SetCharacterDataHandler(parser_, &XmlPart::OnText);
    XML_SetStartDoctypeDeclHandler(parser_, &XmlPart::OnDoctype);
    const XML_Status parsed =
        XML_Parse(parser_, text.data(), static_cast<int>(text.size()), XML_TRUE);
    const auto line = XML_GetCurrentLineNumber(parser_);
    if (!failure_.empty()) {
      return failure_is_content_
                 ? Status::Error(failure_)
                 : Damaged(part + " line " + std::to_string(line) + ": " + failure_);
    }
    if (parsed != XML_STATUS_OK) {
      return Damaged(part + " line " + std::to_string(line) + ": " +
                     XML_ErrorString(XML_GetErrorCode(parser_)));
    }
    return Status::Ok();
  }

 protected:
  virtual void Start(const Element& element) = 0;
  virtual void End(std::string_view /*name*/) {}
  virtual void Text(std::string_view /*text*/) {}

  // Stops the parse; `content` failures are the workbook's content, not damage.
  void Fail(std::string why, bool content = false) {
    if (!failure_.empty()) return;
    failure_ = std::move(why);
    failure_is_content_ = content;
    XML_StopParser(parser_, XML_FALSE);
  }
  int depth() const { return depth_; }

 private:
  static void OnStart(void* self, const XML_Char* name, const XML_Char** attributes) {
    auto* part = static_cast<XmlPart*>(self);
    if (++part->depth_ > part->max_depth_) {
      part->Fail("elements nested deeper than " + std::to_string(part->max_depth_));
      return;
    }
    part->Start(Element{Element::LocalName(name), attributes});
  }
  static void OnEnd(void* self, const XML_Char* name) {
    auto* part = static_cast<XmlPart*>(self);
    --part->depth_;
    part->End(Element::LocalName(name));
  }
  static void OnText(void* self, const XML_Char* text, int length) {
    static_cast<XmlPart*>(self)->Text(std::string_view(text, static_cast<size_t>(length)));
  }
  static void OnDoctype(void* self, const XML_Char*, const XML_Char*, const XML_Char*, int) {
    static_cast<XmlPart*>(self)->Fail("a document type declaration (not allowed in a workbook)");
  }

  XML_Parser parser_ = nullptr;
  int depth_ = 0;
  int max_depth_ = 0;
  std::string failure_;
  bool failure_is_content_ = false;
};

bool IsTrue(std::string_view value) { return value == "1" || value == "true"; }

// _rels/.rels and xl/_rels/workbook.xml.rels: relationship id → target and type.
struct Relationship {
  std::string target;
  std::string type;  // the last segment of the type URI: "officeDocument", "worksheet", …
};

class RelationshipsPart final : public XmlPart {
 public:
  std::unordered_map<std::string, Relationship> by_id;

 private:
  void Start(const Element& element) override {
    if (element.name != "Relationship") return;
    std::string_view type = element.Attribute("Type");
    type = type.substr(type.rfind('/') + 1);
    by_id[std::string(element.Attribute("Id"))] = {std::string(element.Attribute("Target")),
                                                   std::string(type)};
  }
};

class WorkbookPart final : public XmlPart {
 public:
  struct SheetEntry {
    std::string name;
    std::string relationship;
    bool hidden = false;
  };
  std::vector<SheetEntry> sheets;
  bool date1904 = false;

 private:
  void Start(const Element& element) override {
    if (element.name == "workbookPr") {
      date1904 = IsTrue(element.Attribute("date1904"));
    } else if (element.name == "sheet") {
      const std::string_view state = element.Attribute("state");
      sheets.push_back({std::string(element.Attribute("name")),
                        std::string(element.Attribute("id")),
                        state == "hidden" || state == "veryHidden"});
    }
  }
};

class SharedStringsPart final : public XmlPart {
 public:
  explicit SharedStringsPart(size_t max_strings) : max_strings_(max_strings) {}
  std::vector<std::string> strings;

 private:
  void Start(const Element& element) override {
    if (element.name == "si") {
      if (strings.size() >= max_strings_) {
        Fail(std::string(kTooManyCells), true);
        return;
      }
      strings.emplace_back();
      in_item_ = true;
    } else if (element.name == "rPh" || element.name == "phoneticPr") {
      ++in_phonetic_;  // furigana readings are not part of the text
    } else if (element.name == "t") {
      in_text_ = in_item_ && in_phonetic_ == 0;
    }
  }
  void End(std::string_view name) override {
    if (name == "si") in_item_ = false;
    if (name == "rPh" || name == "phoneticPr") --in_phonetic_;
    if (name == "t") in_text_ = false;
  }
  void Text(std::string_view text) override {
    if (in_text_) strings.back() += text;
  }

  size_t max_strings_;
  bool in_item_ = false;
  bool in_text_ = false;
  int in_phonetic_ = 0;
};

// A number format shows a percentage when it has a % outside quotes and escapes, a date when
// it has a day or year code there.
XlsxCell::Shown ShownByFormatCode(std::string_view code) {
  bool percent = false, date = false;
  for (size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (c == '"') {
      const size_t close = code.find('"', i + 1);
      if (close == std::string_view::npos) break;
      i = close;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;  // the next character is literal (or padding)
    } else if (c == '[') {
      const size_t close = code.find(']', i + 1);
      if (close == std::string_view::npos) break;
      i = close;
    } else if (c == ';') {
      break;  // the positive section decides
    } else if (c == '%') {
      percent = true;
    } else if (c == 'y' || c == 'Y' || c == 'd' || c == 'D' || c == 'e' || c == 'E') {
      date = true;
    }
  }
  if (percent) return XlsxCell::Shown::kPercent;
  return date ? XlsxCell::Shown::kDate : XlsxCell::Shown::kGeneral;
}

// The formats built into Excel, by id (ECMA-376 §18.8.30, with the CJK date formats).
XlsxCell::Shown ShownByBuiltInFormat(int id) {
  if (id == 9 || id == 10) return XlsxCell::Shown::kPercent;
  if ((id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 31) || (id >= 34 && id <= 36) ||
      (id >= 50 && id <= 54) || (id >= 57 && id <= 58)) {
    return XlsxCell::Shown::kDate;
  }
  return XlsxCell::Shown::kGeneral;
}

int ToInt(std::string_view text, int fallback = -1) {
  int value = fallback;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size() ? value : fallback;
}

class StylesPart final : public XmlPart {
 public:
  std::vector<XlsxCell::Shown> shown_by_style;  // by the cell's s attribute

 private:
  void Start(const Element& element) override {
    if (element.name == "numFmt") {
      custom_[ToInt(element.Attribute("numFmtId"))] =
          ShownByFormatCode(element.Attribute("formatCode"));
    } else if (element.name == "cellXfs") {
      in_cell_formats_ = true;
    } else if (element.name == "xf" && in_cell_formats_) {
      const int id = ToInt(element.Attribute("numFmtId"), 0);
      auto found = custom_.find(id);
      shown_by_style.push_back(found != custom_.end() ? found->second : ShownByBuiltInFormat(id));
    }
  }
  void End(std::string_view name) override {
    if (name == "cellXfs") in_cell_formats_ = false;
  }

  std::unordered_map<int, XlsxCell::Shown> custom_;
  bool in_cell_formats_ = false;
};

// "C7" → {7, 3}; nothing when it is not a cell reference.
std::optional<std::pair<int, int>> ParseCellName(std::string_view name) {
  int column = 0;
  size_t i = 0;
  while (i < name.size() && name[i] >= 'A' && name[i] <= 'Z' && i < 3) {
    column = column * 26 + (name[i] - 'A' + 1);
    ++i;
  }
  const int row = ToInt(name.substr(i));
  if (column == 0 || row < 1 || row > 1'048'576 || column > 16'384) return std::nullopt;
  return std::pair(row, column);
}

class WorksheetPart final : public XmlPart {
 public:
  WorksheetPart(const std::vector<std::string>& strings,
                const std::vector<XlsxCell::Shown>& shown_by_style, size_t& cells_left,
                XlsxSheet& sheet)
      : strings_(strings),
        shown_by_style_(shown_by_style),
        cells_left_(cells_left),
        cells_(sheet.cells),
        merges_(sheet.merges) {}

 private:
  void Start(const Element& element) override {
    if (element.name == "row") {
      const int row = ToInt(element.Attribute("r"), 0);
      row_ = row > 0 ? row : row_ + 1;
      column_ = 0;
    } else if (element.name == "c") {
      StartCell(element);
    } else if (in_cell_ && (element.name == "v" || (element.name == "t" && in_inline_))) {
      collecting_ = true;
    } else if (in_cell_ && element.name == "f") {
      has_formula_ = true;
    } else if (in_cell_ && element.name == "is") {
      in_inline_ = true;
    } else if (in_inline_ && element.name == "rPh") {
      in_phonetic_ = true;
    } else if (element.name == "mergeCell") {
      AddMerge(element.Attribute("ref"));
    }
  }

  // A range such as A3:A7; a malformed one is left out (its cells read as they were saved).
  void AddMerge(std::string_view reference) {
    const size_t colon = reference.find(':');
    if (colon == std::string_view::npos || merges_.size() >= cells_left_) return;
    auto first = ParseCellName(reference.substr(0, colon));
    auto last = ParseCellName(reference.substr(colon + 1));
    if (!first || !last || last->first < first->first || last->second < first->second) return;
    merges_.push_back({first->first, first->second, last->first, last->second});
  }
  void End(std::string_view name) override {
    if (name == "v" || name == "t") collecting_ = false;
    if (name == "rPh") in_phonetic_ = false;
    if (name == "c" && in_cell_) FinishCell();
  }
  void Text(std::string_view text) override {
    if (collecting_ && !in_phonetic_) value_ += text;
  }

  void StartCell(const Element& element) {
    in_cell_ = true;
    in_inline_ = has_formula_ = collecting_ = false;
    value_.clear();
    const std::string_view reference = element.Attribute("r");
    if (auto place = ParseCellName(reference)) {
      std::tie(row_, column_) = *place;
    } else {
      ++column_;
      if (row_ == 0) row_ = 1;
    }
    type_ = element.Attribute("t");
    const int style = ToInt(element.Attribute("s"), 0);
    shown_ = style >= 0 && static_cast<size_t>(style) < shown_by_style_.size()
                 ? shown_by_style_[static_cast<size_t>(style)]
                 : XlsxCell::Shown::kGeneral;
  }

  void FinishCell() {
    in_cell_ = false;
    XlsxCell cell;
    cell.row = row_;
    cell.column = column_;
    cell.shown = shown_;
    const bool has_value = !value_.empty() || type_ == "inlineStr" || type_ == "str";
    if (!has_value) {
      if (!has_formula_) return;  // a formatted empty cell
      cell.kind = XlsxCell::Kind::kFormulaWithoutValue;
    } else if (type_ == "s") {
      const int index = ToInt(value_);
      if (index < 0 || static_cast<size_t>(index) >= strings_.size()) {
        Fail("cell " + CellName(row_, column_) + " refers to a shared string that is missing");
        return;
      }
      cell.text = strings_[static_cast<size_t>(index)];
    } else if (type_ == "str" || type_ == "inlineStr" || type_ == "d") {
      cell.text = value_;
    } else if (type_ == "e") {
      cell.kind = XlsxCell::Kind::kError;
      cell.text = value_;
    } else {
      double number = 0;
      const auto [end, error] =
          std::from_chars(value_.data(), value_.data() + value_.size(), number);
      if (error != std::errc() || end != value_.data() + value_.size() || !std::isfinite(number)) {
        Fail("cell " + CellName(row_, column_) + " holds " + value_ + " where a number belongs");
        return;
      }
      cell.kind = type_ == "b" ? XlsxCell::Kind::kBoolean : XlsxCell::Kind::kNumber;
      cell.number = number;
    }
    if (cells_left_ == 0) {
      Fail(std::string(kTooManyCells), true);
      return;
    }
    --cells_left_;
    cells_.push_back(std::move(cell));
  }

  const std::vector<std::string>& strings_;
  const std::vector<XlsxCell::Shown>& shown_by_style_;
  size_t& cells_left_;
  std::vector<XlsxCell>& cells_;
  std::vector<XlsxMerge>& merges_;
  int row_ = 0, column_ = 0;
  bool in_cell_ = false, in_inline_ = false, in_phonetic_ = false, has_formula_ = false,
       collecting_ = false;
  std::string type_;  // the cell's t attribute
  std::string value_;
  XlsxCell::Shown shown_ = XlsxCell::Shown::kGeneral;
};

// A relationship target relative to the folder of the part that names it; "/x" is absolute.
std::string ResolveTarget(std::string_view base_folder, std::string_view target) {
  std::string path = target.starts_with('/') ? std::string(target.substr(1))
                                             : std::string(base_folder) + std::string(target);
  std::vector<std::string> segments;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t slash = std::min(path.find('/', start), path.size());
    const std::string segment = path.substr(start, slash - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = slash + 1;
  }
  std::string joined;
  for (const auto& segment : segments) joined += (joined.empty() ? "" : "/") + segment;
  return joined;
}

std::string FolderOf(std::string_view part) {
  const size_t slash = part.rfind('/');
  return slash == std::string_view::npos ? "" : std::string(part.substr(0, slash + 1));
}

std::string RelationshipsOf(std::string_view part) {
  return FolderOf(part) + "_rels/" +
         std::string(
             part.substr(part.rfind('/') == std::string_view::npos ? 0 : part.rfind('/') + 1)) +
         ".rels";
}

Status ParsePart(Package& package, const std::string& name, XmlPart& part,
                 const XlsxLimits& limits) {
  auto text = package.Read(name);
  if (!text.ok()) return text.status();
  return part.Parse(name, *text, limits.max_xml_depth);
}

}  // namespace

Result<XlsxWorkbook> ReadXlsx(std::string_view bytes, const XlsxLimits& limits) {
  if (bytes.starts_with("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) return CompoundFileStatus(bytes);
  if (!bytes.starts_with("PK")) {
    return Status::Error(
        "这不是 .xlsx 工作簿 / this is not an .xlsx workbook (it is not a zip "
        "archive); " +
        std::string(kSaveAgain));
  }
  auto opened = Package::Open(bytes, limits);
  if (!opened.ok()) return opened.status();
  Package& package = opened.value();

  std::string workbook_name = "xl/workbook.xml";
  if (package.Has("_rels/.rels")) {
    RelationshipsPart root;
    if (Status parsed = ParsePart(package, "_rels/.rels", root, limits); !parsed.ok())
      return parsed;
    for (const auto& [id, relationship] : root.by_id) {
      if (relationship.type == "officeDocument")
        workbook_name = ResolveTarget("", relationship.target);
    }
  }
  if (!package.Has(workbook_name)) {
    return Status::Error(
        "这不是 Excel 工作簿 / this zip archive is not an Excel workbook (it has "
        "no " +
        workbook_name + "); save the report as .xlsx or CSV");
  }
  WorkbookPart workbook;
  if (Status parsed = ParsePart(package, workbook_name, workbook, limits); !parsed.ok())
    return parsed;
  RelationshipsPart relationships;
  const std::string relationships_name = RelationshipsOf(workbook_name);
  if (Status parsed = ParsePart(package, relationships_name, relationships, limits); !parsed.ok())
    return parsed;
  const std::string folder = FolderOf(workbook_name);
  auto part_of_type = [&](std::string_view type) -> std::string {
    for (const auto& [id, relationship] : relationships.by_id) {
      if (relationship.type == type) return ResolveTarget(folder, relationship.target);
    }
    return {};
  };

  SharedStringsPart shared_strings(limits.max_cells);
  if (const std::string name = part_of_type("sharedStrings"); !name.empty() && package.Has(name)) {
    if (Status parsed = ParsePart(package, name, shared_strings, limits); !parsed.ok())
      return parsed;
  }
  StylesPart styles;
  if (const std::string name = part_of_type("styles"); !name.empty() && package.Has(name)) {
    if (Status parsed = ParsePart(package, name, styles, limits); !parsed.ok()) return parsed;
  }

  XlsxWorkbook result;
  result.date1904 = workbook.date1904;
  size_t cells_left = limits.max_cells;
  for (const auto& entry : workbook.sheets) {
    auto relationship = relationships.by_id.find(entry.relationship);
    if (relationship == relationships.by_id.end()) {
      return Damaged("the sheet " + entry.name + " has no part in " + relationships_name);
    }
    if (relationship->second.type != "worksheet") continue;  // a chart sheet or a macro sheet
    XlsxSheet sheet;
    sheet.name = entry.name;
    sheet.hidden = entry.hidden;
    WorksheetPart part(shared_strings.strings, styles.shown_by_style, cells_left, sheet);
    if (Status parsed =
            ParsePart(package, ResolveTarget(folder, relationship->second.target), part, limits);
        !parsed.ok()) {
      return parsed;
    }
    result.sheets.push_back(std::move(sheet));
  }
  return result;
}

std::optional<Date> DateFromSerial(double serial, bool date1904) {
  if (!std::isfinite(serial) || serial < 1 || serial > 2'958'465) return std::nullopt;
  // Days since 1970-01-01. The 1900 system counts a 29 February 1900 that never was, so from
  // serial 61 on it is 1899-12-30 plus the serial.
  const long whole = static_cast<long>(std::floor(serial));
  long days = date1904 ? whole - 24107 : (whole >= 61 ? whole - 25569 : whole - 25568);
  // Civil from days (Howard Hinnant's algorithm).
  days += 719468;
  const long era = (days >= 0 ? days : days - 146096) / 146097;
  const long day_of_era = days - era * 146097;
  const long year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const long day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const long month_index = (5 * day_of_year + 2) / 153;
  Date date;
  date.day = static_cast<int>(day_of_year - (153 * month_index + 2) / 5 + 1);
  date.month = static_cast<int>(month_index < 10 ? month_index + 3 : month_index - 9);
  date.year = static_cast<int>(year_of_era + era * 400 + (date.month <= 2 ? 1 : 0));
  if (date.year < 1900 || date.year > 9999) return std::nullopt;
  return date;
}

std::string ExcelNumberText(double number) {
  char buffer[64];
  // 15 significant digits, then the shortest text that reads back as that rounded value.
  const auto rounded =
      std::to_chars(buffer, buffer + sizeof buffer, number, std::chars_format::general, 15);
  double value = 0;
  std::from_chars(buffer, rounded.ptr, value);
  const auto fixed =
      std::abs(value) < 1e15 && (value == 0 || std::abs(value) >= 1e-6)
          ? std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed)
          : std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, fixed.ptr);
}

}  // namespace ptmon
