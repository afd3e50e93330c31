#include "harness/doctor/doctor.h"

#include <fstream>

#include "harness/doctor/file_checks.h"
#include "harness/doctor/network_checks.h"
#include "harness/doctor/probe.h"

namespace kuscia::doctor {

void AddDoctorOptions(CLI::App& cmd, DoctorOptions& options) {
  cmd.add_option("--endpoint", options.endpoint,
                 "The Kuscia API: https://HOST:PORT (MTLS/TLS) or http://HOST:PORT (NOTLS)")
      ->required();
  cmd.add_option("--certs", options.certs_dir, "Kuscia's var/certs directory (ca.crt, token, kusciaapi-*.crt/.key)")
      ->required();
  cmd.add_option("--client-cert", options.client_cert,
                 "Client certificate (default: DIR/kusciaapi-client.crt, else DIR/kusciaapi-server.crt)");
  cmd.add_option("--client-key", options.client_key, "Client key (default: the .key beside the certificate)");
  cmd.add_option("--json", options.json_file, "Also write the report as JSON to this file");
  cmd.add_option_function<int>(
      "--timeout-ms", [&options](int ms) { options.timeout = std::chrono::milliseconds(ms); },
      "Timeout of each probe in milliseconds (default 5000)");
}

Status ValidateDoctorOptions(const DoctorOptions& options) {
  if (options.endpoint.empty()) return InvalidArgument("--endpoint is required, e.g. --endpoint https://127.0.0.1:8082");
  KC_RETURN_IF_ERROR(ParseEndpoint(options.endpoint).status());
  if (options.certs_dir.empty()) {
    return InvalidArgument("--certs is required: Kuscia's var/certs directory (copy it out of the container)");
  }
  if (!options.client_cert.empty() && options.client_key.empty() && options.client_cert.extension() != ".crt") {
    return InvalidArgument("--client-cert " + options.client_cert.string() +
                           " has no .crt extension, so its key cannot be guessed: pass --client-key as well");
  }
  if (options.client_cert.empty() && !options.client_key.empty()) {
    return InvalidArgument("--client-key needs --client-cert: pass both, or neither to use DIR's files");
  }
  if (options.timeout.count() <= 0) {
    return InvalidArgument("--timeout-ms must be positive, got " + std::to_string(options.timeout.count()));
  }
  return OkStatus();
}

Result<Report> Diagnose(const DoctorOptions& options) {
  KC_RETURN_IF_ERROR(ValidateDoctorOptions(options));
  Endpoint endpoint = *ParseEndpoint(options.endpoint);
  Report report;
  LocalFiles files{.certs_dir = options.certs_dir,
                   .client_cert = options.client_cert,
                   .client_key = options.client_key,
                   .endpoint_uses_tls = endpoint.tls()};
  Material material = CheckFiles(files, report);
  if (endpoint.tls()) CheckClientCertificate(material, report);
  CheckEndpoint(endpoint, material, options.timeout, report);
  return report;
}

int RunDoctor(const DoctorOptions& options, std::ostream& out, std::ostream& err) {
  Result<Report> report = Diagnose(options);
  if (!report.ok()) {
    err << "kuscia-conform doctor: " << report.status().message() << "\n";
    return kExitMisuse;
  }
  out << "kuscia-conform doctor: " << options.endpoint << " with " << options.certs_dir.string() << "\n";
  report->WriteText(out);
  if (!options.json_file.empty()) {
    nlohmann::ordered_json json = report->ToJson();
    json["endpoint"] = options.endpoint;
    json["certs_dir"] = options.certs_dir.string();
    std::ofstream file(options.json_file, std::ios::trunc);
    file << json.dump(2) << "\n";
    file.close();
    if (!file) {
      err << "kuscia-conform doctor: cannot write --json " << options.json_file.string()
          << ": check that the directory exists and is writable\n";
      return kExitMisuse;
    }
  }
  return report->HasErrors() ? kExitErrorsFound : kExitHealthy;
}

}  // namespace kuscia::doctor
