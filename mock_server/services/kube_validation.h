// The Kubernetes-side checks a KusciaJob create goes through, with apimachinery's exact wording: the name
// regex the KusciaAPI applies to job ids, resource quantities, label syntax for custom_fields, and the
// CRD limits. Reference §5.1.1 and §9.15.
//
//   if (auto error = ValidateK8sName("Job_1", "job_id")) return Reject(11100, *error);
//   std::vector<std::string> errors = LabelErrors({{"kuscia.job.custom-fields/a b", "x"}});
//   InvalidMessage("KusciaJob.kuscia.secretflow", "job-1", errors);
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kuscia::mock::services {

inline constexpr char kK3sRegex[] = "^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$";
inline constexpr char kCustomFieldLabelPrefix[] = "kuscia.job.custom-fields/";

// resources.ValidateK8sName: nullopt when `value` matches kK3sRegex, else
// `Field "<field>" is invalid, invalid value: "<v>": regex used for validation is "<regex>" ` (trailing space).
std::optional<std::string> ValidateK8sName(std::string_view value, std::string_view field);

// resource.ParseQuantity: nullopt when `quantity` parses, else apimachinery's error text.
std::optional<std::string> QuantityError(std::string_view quantity);

// metav1validation.ValidateLabels with field path metadata.labels, labels in key order: one
// `metadata.labels: Invalid value: "<x>": <detail>` per problem.
std::vector<std::string> LabelErrors(const std::map<std::string, std::string>& labels);

// apierrors.NewInvalid: `<kind> "<name>" is invalid: <error>` or `... is invalid: [<e1>, <e2>]`.
std::string InvalidMessage(std::string_view qualified_kind, std::string_view name,
                           const std::vector<std::string>& errors);

}  // namespace kuscia::mock::services
