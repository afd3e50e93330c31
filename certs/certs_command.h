// `kuscia-conform certs ...`: the command-line layer over kuscia::certs. The main parses flags (CLI11) into
// the plain struct below and calls Run*; output and errors go to the given streams, so tests drive it
// directly.
//
//   kuscia-conform certs --out DIR [--san NAME_OR_IP]... [--key ec|rsa] [--key-format pkcs8|pkcs1]
//                        [--days N] [--catalogue]
//   kuscia-conform certs inspect DIR
//
//   CertsCommandOptions options{.out = "/tmp/certs", .sans = {"10.0.0.5"}};
//   int exit_code = RunCertsGenerate(options, std::cout, std::cerr);   // 0 ok, 1 failure, 2 bad input
#pragma once

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

namespace kuscia::certs {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;   // something went wrong that the user's input did not cause
inline constexpr int kExitBadInput = 2;  // unusable flags or output directory; nothing was written

struct CertsCommandOptions {
  std::filesystem::path out{};
  std::vector<std::string> sans{};
  std::string key = "ec";          // ec | rsa
  int days = 3650;
  bool catalogue = false;
  std::string key_format = "pkcs8";  // pkcs8 | pkcs1
};

// Prints a short summary and a ready-to-paste curl command for /healthZ (never the token value).
// Errors: one line "error: <problem>; <fix>" on `err`.
int RunCertsGenerate(const CertsCommandOptions& options, std::ostream& out, std::ostream& err);

// For every certificate, key and token found in `dir`: subject, issuer, SANs, EKU, validity, days left,
// SHA-256 fingerprint, key format, whether key and certificate match, and whether the certificate verifies
// against ca.crt. Returns 2 when `dir` does not exist or holds none of the Kuscia files.
int RunCertsInspect(const std::filesystem::path& dir, std::ostream& out, std::ostream& err);

}  // namespace kuscia::certs
