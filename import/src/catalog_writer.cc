// The imported catalogue as YAML a person reviews and ptmon reads: the remarks sit beside the
// lines they concern, and the ids are made up from the names (Han in Latin letters, by ICU's
// transliterator) so they are readable and the same at every import of the same table.
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <ptmon/base/text.h>

#include "import_internal.h"

namespace ptmon {

namespace {

constexpr size_t kMaxIdBytes = 40;  // ids stay readable in metrics labels (64 at most)

// "维修维护费" → "wei-xiu-wei-hu-fei": ICU's Han→Latin with tones and accents dropped, each run
// of anything but a letter or a digit one '-'. Empty when nothing Latin is left.
std::string Transliterated(std::string_view name) {
  static std::once_flag once;
  static std::unique_ptr<icu::Transliterator> transliterator;
  std::call_once(once, [] {
    UErrorCode error = U_ZERO_ERROR;
    transliterator.reset(icu::Transliterator::createInstance("Any-Latin; Latin-ASCII; Lower",
                                                             UTRANS_FORWARD, error));
    if (U_FAILURE(error)) transliterator.reset();
  });
  std::string latin;
  if (transliterator) {
    icu::UnicodeString text = icu::UnicodeString::fromUTF8(
        icu::StringPiece(name.data(), static_cast<int32_t>(name.size())));
    // ICU does not promise a shared transliterator to concurrent callers; imports are rare.
    static std::mutex busy;
    const std::lock_guard lock(busy);
    transliterator->transliterate(text);
    text.toUTF8String(latin);
  }
  std::string id;
  for (char c : latin) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (keep) {
      id += c;
    } else if (!id.empty() && id.back() != '-') {
      id += '-';
    }
  }
  if (id.size() > kMaxIdBytes) id.resize(kMaxIdBytes);
  while (!id.empty() && id.back() == '-') id.pop_back();
  return id;
}

// An id from the name, or `fallback` when the name gives none; "-2", "-3" … after an id already
// taken in `taken`.
std::string UniqueId(std::string_view name, const std::string& fallback,
                     std::set<std::string>& taken) {
  std::string stem = Transliterated(name);
  if (stem.empty()) stem = fallback;
  std::string id = stem;
  for (int n = 2; !taken.insert(id).second; ++n) id = stem + "-" + std::to_string(n);
  return id;
}

std::string Yuan(long long fen) {
  std::string text = std::to_string(fen / 100);
  if (fen % 100 != 0) {
    const int cents = static_cast<int>(fen % 100);
    text += (cents < 10 ? ".0" : ".") + std::to_string(cents);
    if (text.back() == '0') text.pop_back();
  }
  return text;
}

std::string_view IdStem(std::string_view level2) {
  static const std::map<std::string_view, std::string_view> kStems = {
      {"数量指标", "quantity"},          {"质量指标", "quality"},
      {"时效指标", "timeliness"},        {"成本指标", "cost"},
      {"经济效益", "economic"},          {"社会效益", "social"},
      {"生态效益", "ecological"},        {"可持续影响", "sustainability"},
      {"服务对象满意度", "satisfaction"}};
  auto it = kStems.find(level2);
  return it == kStems.end() ? std::string_view("indicator") : it->second;
}

std::string Padded(size_t number, size_t count) {
  std::string text = std::to_string(number);
  const size_t width = std::to_string(count).size() < 2 ? 2 : std::to_string(count).size();
  return std::string(width - std::min(width, text.size()), '0') + text;
}

class Writer {
 public:
  explicit Writer(const ImportedCatalog& catalog) : catalog_(catalog) {}

  std::string Write() {
    out_ += "# Imported by `ptmon import` from " + catalog_.source + ".\n";
    out_ += "# REPAIR: lines say what was mended in the source; REVIEW: lines what a person must\n";
    out_ += "# decide before this catalogue is served (ptmon import listed them on stderr).\n\n";
    for (const auto& review : catalog_.reviews) Remark("", "REVIEW", review, catalog_.source);
    out_ += "unit:\n  id: " + UnitId() + "\n  name: " + YamlQuoted(catalog_.unit_name) + "\n";
    if (!catalog_.unit_code.empty()) out_ += "  code: " + YamlQuoted(catalog_.unit_code) + "\n";
    out_ += "year: " + (catalog_.year ? std::to_string(*catalog_.year) : std::string()) + "\n";
    out_ += "\nprojects:\n";
    std::set<std::string> project_ids;
    for (size_t p = 0; p < catalog_.projects.size(); ++p) {
      Project(catalog_.projects[p],
              UniqueId(catalog_.projects[p].name,
                       "project-" + Padded(p + 1, catalog_.projects.size()), project_ids));
    }
    return out_;
  }

 private:
  std::string UnitId() const {
    if (!catalog_.unit_code.empty()) return "unit-" + Transliterated(catalog_.unit_code);
    const std::string latin = Transliterated(catalog_.unit_name);
    return latin.empty() ? "unit" : "unit-" + latin;
  }

  void Remark(std::string_view indent, std::string_view kind, const ImportRemark& remark,
              std::string_view source = {}) {
    out_ += std::string(indent) + "# " + std::string(kind) + ": " + EscapeControl(remark.text);
    if (remark.line > 0)
      out_ += " (" + std::string(source) + ":" + std::to_string(remark.line) + ")";
    out_ += "\n";
  }

  void Funds(std::string_view key, const ImportedFunds& funds) {
    out_ += "      " + std::string(key) + ": {";
    std::string separator;
    for (const auto& [name, amount] : {std::pair{"total", funds.total},
                                       {"central", funds.central},
                                       {"provincial", funds.provincial},
                                       {"city_county", funds.city_county},
                                       {"self_raised", funds.self_raised},
                                       {"other", funds.other}}) {
      if (!amount) continue;
      out_ += separator + name + ": " + Yuan(*amount);
      separator = ", ";
    }
    out_ += "}\n";
  }

  void Project(const ImportedProject& project, const std::string& id) {
    out_ += "\n";
    for (const auto& repair : project.repairs) Remark("  ", "REPAIR", repair, project.source);
    for (const auto& review : project.reviews) Remark("  ", "REVIEW", review, project.source);
    size_t usable = 0;
    for (const auto& indicator : project.indicators) usable += indicator.usable ? 1 : 0;
    // Without one usable indicator the project cannot load: written out for its review.
    const std::string prefix = usable == 0 ? "# " : "";
    if (usable == 0) {
      Remark("  ", "REVIEW", {project.line, "no usable indicator: fix them and uncomment"},
             project.source);
    }
    auto line = [&](const std::string& text) { out_ += prefix + text + "\n"; };
    line("  - id: " + id);
    line("    name: " + YamlQuoted(project.name));
    if (!project.department.empty()) line("    department: " + YamlQuoted(project.department));
    if (!project.implementing_unit.empty())
      line("    implementing_unit: " + YamlQuoted(project.implementing_unit));
    if (!project.attribute.empty()) line("    attribute: " + YamlQuoted(project.attribute));
    if (project.period_years) line("    period_years: " + std::to_string(*project.period_years));
    if (project.annual_funds.total || project.period_funds.total) {
      line("    funds:");
      out_ += prefix;
      Funds("period", project.period_funds.total ? project.period_funds : project.annual_funds);
      out_ += prefix;
      Funds("annual", project.annual_funds.total ? project.annual_funds : project.period_funds);
    }
    if (!project.period_goal.empty() || !project.annual_goal.empty()) {
      line("    goals:");
      line("      period: " + YamlQuoted(project.period_goal));
      line("      annual: " + YamlQuoted(project.annual_goal));
    }
    line("    indicators:");
    std::map<std::string_view, int> numbers;
    std::set<std::string> indicator_ids;
    for (const auto& indicator : project.indicators) {
      const std::string_view stem = IdStem(indicator.level2);
      const std::string indicator_id = UniqueId(
          indicator.name, std::string(stem) + "-" + std::to_string(++numbers[stem]), indicator_ids);
      const std::string commented = indicator.usable ? prefix : "# ";
      for (const auto& repair : indicator.repairs)
        Remark("      ", "REPAIR", repair, project.source);
      for (const auto& review : indicator.reviews)
        Remark("      ", "REVIEW", review, project.source);
      auto field = [&](const std::string& text) { out_ += commented + text + "\n"; };
      field("      - id: " + indicator_id);
      field("        level1: " + YamlQuoted(indicator.level1));
      field("        level2: " + YamlQuoted(indicator.level2));
      field("        name: " + YamlQuoted(indicator.name));
      field("        target: " + YamlQuoted(indicator.target));
      if (indicator.weight) field("        weight: " + FormatNumber(*indicator.weight, 4));
    }
  }

  const ImportedCatalog& catalog_;
  std::string out_;
};

}  // namespace

std::string WriteCatalogYaml(const ImportedCatalog& catalog) { return Writer(catalog).Write(); }

std::vector<std::string> ReviewList(const ImportedCatalog& catalog) {
  std::vector<std::string> list;
  auto add = [&](std::string_view source, const ImportRemark& remark) {
    list.push_back(std::string(source) +
                   (remark.line > 0 ? ":" + std::to_string(remark.line) : "") + ": " +
                   EscapeControl(remark.text));
  };
  for (const auto& review : catalog.reviews) add(catalog.source, review);
  for (const auto& project : catalog.projects) {
    for (const auto& review : project.reviews) add(project.source, review);
    for (const auto& indicator : project.indicators) {
      for (const auto& review : indicator.reviews) add(project.source, review);
    }
  }
  return list;
}

ImportedCatalog MergeImports(std::vector<ImportedCatalog> imports) {
  ImportedCatalog merged;
  for (auto& one : imports) {
    if (merged.source.empty()) {
      merged.source = one.source;
      merged.unit_name = one.unit_name;
      merged.unit_code = one.unit_code;
      merged.year = one.year;
    } else {
      merged.source += ", " + one.source;
      if (one.unit_name != merged.unit_name) {
        merged.reviews.push_back({0, one.source + " is for " + Quote(one.unit_name) +
                                         ", the catalogue for " + Quote(merged.unit_name) +
                                         "; one catalogue file holds one unit"});
      }
      if (one.year && merged.year && *one.year != *merged.year) {
        merged.reviews.push_back({0, one.source + " is for " + std::to_string(*one.year) +
                                         ", the catalogue for " + std::to_string(*merged.year)});
      }
      if (!merged.year) merged.year = one.year;
    }
    for (auto& review : one.reviews) merged.reviews.push_back(std::move(review));
    for (auto& project : one.projects) merged.projects.push_back(std::move(project));
  }
  return merged;
}

}  // namespace ptmon
