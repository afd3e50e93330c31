#include "mock_server/services/kube_validation.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "api/go_text.h"

namespace kuscia::mock::services {
namespace {

using api::GoQuote;

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]
bool MatchesQualifiedName(std::string_view s) {
  if (s.empty() || !IsAlnum(s.front()) || !IsAlnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return IsAlnum(c) || c == '-' || c == '_' || c == '.'; });
}

// RFC 1123 subdomain: lowercase labels of [a-z0-9-] separated by dots, at most 253 characters.
bool IsDns1123Subdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find('.', start);
    std::string_view label = s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (label.empty() || !IsLowerAlnum(label.front()) || !IsLowerAlnum(label.back())) return false;
    if (!std::all_of(label.begin(), label.end(), [](char c) { return IsLowerAlnum(c) || c == '-'; })) return false;
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return true;
}

constexpr char kQualifiedNameFormat[] = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
constexpr char kQualifiedNameMessage[] =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
    "character";

// validation.RegexError with examples: note the doubled space Go's format leaves after each example.
std::string RegexError(const std::string& message, const std::string& format, const std::vector<std::string>& examples) {
  std::string out = message + " (e.g. ";
  for (size_t i = 0; i < examples.size(); ++i) {
    if (i > 0) out += " or ";
    out += "'" + examples[i] + "', ";
  }
  return out + "regex used for validation is '" + format + "')";
}

std::string QualifiedNameRegexError() {
  return RegexError(kQualifiedNameMessage, kQualifiedNameFormat, {"MyName", "my.name", "123-abc"});
}

std::vector<std::string> QualifiedNameErrors(std::string_view value) {
  std::vector<std::string> errors;
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    size_t slash = value.find('/', start);
    parts.push_back(value.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  std::string_view name;
  if (parts.size() == 1) {
    name = parts[0];
  } else if (parts.size() == 2) {
    if (parts[0].empty()) {
      errors.push_back("prefix part must be non-empty");
    } else if (!IsDns1123Subdomain(parts[0])) {
      errors.push_back(
          "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
          "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
          "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
    }
    name = parts[1];
  } else {
    errors.push_back("a qualified name " + QualifiedNameRegexError() +
                     " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
    return errors;
  }
  if (name.empty()) {
    errors.push_back("name part must be non-empty");
  } else if (name.size() > 63) {
    errors.push_back("name part must be no more than 63 characters");
  }
  if (!MatchesQualifiedName(name)) errors.push_back("name part " + QualifiedNameRegexError());
  return errors;
}

std::vector<std::string> LabelValueErrors(std::string_view value) {
  std::vector<std::string> errors;
  if (value.size() > 63) errors.push_back("must be no more than 63 characters");
  if (!value.empty() && !MatchesQualifiedName(value)) {
    errors.push_back(RegexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must "
        "start and end with an alphanumeric character",
        std::string("(") + kQualifiedNameFormat + ")?", {"MyValue", "my_value", "12345"}));
  }
  return errors;
}

}  // namespace

std::optional<std::string> ValidateK8sName(std::string_view value, std::string_view field) {
  bool ok = !value.empty() && value.size() <= 63 && IsLowerAlnum(value.front()) && IsLowerAlnum(value.back()) &&
            std::all_of(value.begin(), value.end(), [](char c) { return IsLowerAlnum(c) || c == '.' || c == '-'; });
  if (ok) return std::nullopt;
  return "Field " + GoQuote(field) + " is invalid, invalid value: " + GoQuote(value) +
         ": regex used for validation is " + GoQuote(kK3sRegex) + " ";
}

std::optional<std::string> QuantityError(std::string_view str) {
  const std::string format_wrong =
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
  if (str.empty()) return format_wrong;
  if (str == "0") return std::nullopt;
  size_t pos = 0, end = str.size();
  if (str[0] == '-' || str[0] == '+') ++pos;
  while (pos < end && str[pos] == '0') ++pos;
  if (pos >= end) return std::nullopt;  // only zeros
  while (pos < end && IsDigit(str[pos])) ++pos;
  if (pos >= end) return std::nullopt;
  if (str[pos] == '.') {
    ++pos;
    while (pos < end && IsDigit(str[pos])) ++pos;
    if (pos >= end) return std::nullopt;
  }
  size_t suffix_start = pos;
  while (pos < end && std::string_view("eEinumkKMGTP").find(str[pos]) != std::string_view::npos) ++pos;
  if (pos < end && (str[pos] == '-' || str[pos] == '+')) ++pos;
  while (pos < end && IsDigit(str[pos])) ++pos;
  if (pos < end) return format_wrong;
  std::string_view suffix = str.substr(suffix_start);
  static const std::set<std::string_view> kSuffixes = {"",  "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "n", "u",
                                                       "m", "k",  "M",  "G",  "T",  "P",  "E"};
  if (kSuffixes.contains(suffix)) return std::nullopt;
  // Decimal exponent form: e or E followed by a signed integer.
  if (suffix.size() >= 2 && (suffix[0] == 'e' || suffix[0] == 'E')) {
    std::string_view exponent = suffix.substr(1);
    if (exponent[0] == '-' || exponent[0] == '+') exponent.remove_prefix(1);
    if (!exponent.empty() && exponent.size() <= 18 &&
        std::all_of(exponent.begin(), exponent.end(), [](char c) { return IsDigit(c); })) {
      return std::nullopt;
    }
  }
  return "unable to parse quantity's suffix";
}

std::vector<std::string> LabelErrors(const std::map<std::string, std::string>& labels) {
  std::vector<std::string> errors;
  for (const auto& [key, value] : labels) {
    for (const std::string& detail : QualifiedNameErrors(key)) {
      errors.push_back("metadata.labels: Invalid value: " + GoQuote(key) + ": " + detail);
    }
    for (const std::string& detail : LabelValueErrors(value)) {
      errors.push_back("metadata.labels: Invalid value: " + GoQuote(value) + ": " + detail);
    }
  }
  return errors;
}

std::string InvalidMessage(std::string_view qualified_kind, std::string_view name,
                           const std::vector<std::string>& errors) {
  std::vector<std::string> unique;
  for (const std::string& e : errors) {
    if (std::find(unique.begin(), unique.end(), e) == unique.end()) unique.push_back(e);
  }
  std::string aggregate;
  for (size_t i = 0; i < unique.size(); ++i) aggregate += (i > 0 ? ", " : "") + unique[i];
  if (unique.size() > 1) aggregate = "[" + aggregate + "]";
  return std::string(qualified_kind) + " " + GoQuote(name) + " is invalid: " + aggregate;
}

}  // namespace kuscia::mock::services
