// Golden-file comparison for JSON responses, after normalising what legitimately varies between runs.
//
// Volatile fields: RFC 3339 times become "<time>"; generated ids (`<prefix>-<32 hex>`, task ids
// `<job>-<12 hex>`) keep their prefix and lose the random part. On a mismatch the actual value is written
// beside the golden file as `<name>.actual.json`, and the failure names the one command that approves it
// (KC_UPDATE_GOLDEN=1 rewrites the golden file instead of comparing).
//
//   EXPECT_TRUE(MatchesGolden(NormalizeVolatile(response), KC_SOURCE_DIR "/fixtures/mock/job_query.json"));
//   EXPECT_THAT(ShapeDifferences(documented, ours), IsEmpty());
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "sys/files.h"

namespace kuscia::testing {

inline nlohmann::ordered_json NormalizeVolatile(nlohmann::ordered_json value) {
  static const std::regex kTime(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$)");
  static const std::regex kLongId(R"(^(.*)-[0-9a-f]{32}$)");
  if (value.is_object() || value.is_array()) {
    for (auto& child : value) child = NormalizeVolatile(std::move(child));
  } else if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    std::smatch match;
    if (std::regex_match(text, kTime)) return "<time>";
    if (std::regex_match(text, match, kLongId)) return match[1].str() + "-<id>";
  }
  return value;
}

// Differences in structure only: key names and order, and value types, recursively. Arrays are compared by
// their first elements (when both have one), since lists legitimately differ in length and content.
inline std::vector<std::string> ShapeDifferences(const nlohmann::ordered_json& expected,
                                                 const nlohmann::ordered_json& actual, const std::string& path = "") {
  std::vector<std::string> differences;
  auto kind = [](const nlohmann::ordered_json& v) -> std::string {
    if (v.is_number()) return "number";
    return v.type_name();
  };
  std::string where = path.empty() ? "/" : path;
  if (kind(expected) != kind(actual)) {
    differences.push_back(where + ": expected " + kind(expected) + ", got " + kind(actual));
    return differences;
  }
  if (expected.is_object()) {
    std::vector<std::string> expected_keys, actual_keys;
    for (const auto& item : expected.items()) expected_keys.push_back(item.key());
    for (const auto& item : actual.items()) actual_keys.push_back(item.key());
    if (expected_keys != actual_keys) {
      auto join = [](const std::vector<std::string>& keys) {
        std::string out;
        for (const auto& k : keys) out += (out.empty() ? "" : ",") + k;
        return out;
      };
      differences.push_back(where + ": keys [" + join(expected_keys) + "] vs [" + join(actual_keys) + "]");
      return differences;
    }
    for (const auto& item : expected.items()) {
      auto nested = ShapeDifferences(item.value(), actual[item.key()], path + "/" + item.key());
      differences.insert(differences.end(), nested.begin(), nested.end());
    }
  } else if (expected.is_array() && !expected.empty() && !actual.empty()) {
    auto nested = ShapeDifferences(expected[0], actual[0], path + "/0");
    differences.insert(differences.end(), nested.begin(), nested.end());
  }
  return differences;
}

inline ::testing::AssertionResult MatchesGolden(const nlohmann::ordered_json& actual,
                                                const std::filesystem::path& golden_path) {
  std::string actual_text = actual.dump(2) + "\n";
  const char* update = std::getenv("KC_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    Status written = sys::WriteFileAtomic(golden_path, actual_text);
    if (!written.ok()) return ::testing::AssertionFailure() << written;
    return ::testing::AssertionSuccess();
  }
  std::filesystem::path actual_path = golden_path;
  actual_path.replace_extension(".actual.json");
  Result<std::string> golden_text = sys::ReadFile(golden_path);
  if (golden_text.ok()) {
    nlohmann::ordered_json golden = nlohmann::ordered_json::parse(*golden_text, nullptr, false);
    if (!golden.is_discarded() && golden == actual) {
      std::error_code ignored;
      std::filesystem::remove(actual_path, ignored);
      return ::testing::AssertionSuccess();
    }
  }
  (void)sys::WriteFileAtomic(actual_path, actual_text);
  std::string first_difference = "golden file missing or unreadable";
  if (golden_text.ok()) {
    nlohmann::ordered_json golden = nlohmann::ordered_json::parse(*golden_text, nullptr, false);
    if (!golden.is_discarded()) {
      nlohmann::json patch = nlohmann::json::diff(nlohmann::json(golden), nlohmann::json(actual));
      first_difference = patch.empty() ? "same values, different key order" : patch.dump().substr(0, 600);
    }
  }
  return ::testing::AssertionFailure()
         << "response differs from " << golden_path.string() << "\n  diff (JSON patch golden -> actual): "
         << first_difference << "\n  actual written to " << actual_path.string()
         << "\n  approve with: KC_UPDATE_GOLDEN=1 ctest --test-dir build -R '<this test>' (then review git diff)";
}

}  // namespace kuscia::testing
