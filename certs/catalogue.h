// The catalogue of broken identities: each one a complete Kuscia-layout directory derived from a good one
// (`base`) with exactly one thing wrong, named and documented once in a table (catalogue.cc) together with
// the outcome a peer must produce. The failures are the ones Kuscia users actually hit
// (/work/shared/failure-catalogue.md §2, referenced per row).
//
//   KC_ASSIGN_OR_RETURN(KusciaDirPaths base, WriteKusciaDir({.dir = dir}));
//   KC_ASSIGN_OR_RETURN(auto dirs, WriteCatalogue(base, dir));   // dir/catalogue/<name>/, catalogue.json
//   for (const BrokenIdentity& id : Catalogue()) std::cout << id.name << ": " << id.what_fails << "\n";
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "api/status.h"
#include "certs/kuscia_dir.h"

namespace kuscia::certs {

inline constexpr char kCatalogueDirName[] = "catalogue";
inline constexpr char kCatalogueManifestName[] = "catalogue.json";
inline constexpr char kOtherCaCommonName[] = "kuscia-conformance other CA";  // the "unknown" CA

// curl_exit value for identities whose server cannot even start.
inline constexpr int kNoServer = -1;
// curl_exit value for a client certificate the mTLS server rejects (TLS 1.2: during the handshake).
inline constexpr int kCurlRejectedInHandshake = 35;
// What the same rejection gives under TLS 1.3: curl has finished its handshake and learns of the server's
// alert when it reads (56) or, if the alert arrives first, when it sends the request (55). Which one is a race.
inline constexpr int kCurlRejectedUnderTls13[] = {55, 56};

struct BrokenIdentity {
  std::string name;         // e.g. "client-expired", "server-wrong-san", "token-trailing-newline"
  std::string purpose;      // what it is for
  std::string what_fails;   // what must fail with it, and for which peer
  std::string fix;          // what a user should do
  std::string broken_file;  // which file in the dir is the broken one (e.g. "kusciaapi-client.crt")
  std::string reference;    // the row(s) of failure-catalogue.md it reproduces, e.g. "C1, S5"
  // X509_V_ERR_* name OpenSSL reports when the broken certificate is verified the way its peer does (a
  // client certificate against ca.crt with the TLS-client purpose; a server certificate against ca.crt for
  // host 127.0.0.1); "" when every certificate in the dir verifies.
  std::string verify_error;
  // Exit code of `curl --fail --tls-max 1.2 --cacert ca.crt --cert kusciaapi-client.crt --key
  // kusciaapi-client.key -H "Token: $(cat token)" -X POST https://127.0.0.1:PORT/healthZ` against an mTLS
  // server started on this dir (curl 7.88/OpenSSL 3): 0 ok, 22 HTTP 401, 35 client certificate rejected in
  // the handshake, 58 client key unusable, 60 server not trusted; kNoServer when the server cannot load its
  // identity. TLS 1.2 makes a rejection deterministic; under TLS 1.3 (what curl and Kuscia negotiate by
  // default) the same rejection arrives after curl's handshake: 56 at the first read, or 55 when the alert
  // beats curl's request (see kCurlRejectedUnderTls13).
  int curl_exit = 0;
  int curl_exit_insecure = 0;  // the same request with -k (server verification off, as the tutorials do)
};

// Every broken identity, in a stable order.
const std::vector<BrokenIdentity>& Catalogue();

// Writes DIR/catalogue/<name>/ for every row (a complete Kuscia-layout dir each: all seven file names, one
// thing broken, trusting or signed by the CA of `base` where appropriate) plus DIR/catalogue/catalogue.json.
// All-or-nothing; an existing DIR/catalogue is replaced. New keys follow the type of base's CA key.
// Returns the identity directories in Catalogue() order.
Result<std::vector<std::filesystem::path>> WriteCatalogue(const KusciaDirPaths& base,
                                                          const std::filesystem::path& out_dir);

}  // namespace kuscia::certs
